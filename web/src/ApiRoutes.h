// ApiRoutes: which endpoint of the JSON API (/api/v1/...) a request names, the
// methods it answers and the role a token needs for each.
//
//   GET /api/v1/health                      none (the database answers)
//   GET /api/v1/whoami                      viewer (the token's name and role)
//   GET /api/v1/config                      viewer
//   GET /api/v1/lists                       viewer
//   GET /api/v1/lists/{name}/members        viewer (query: ApiQuery.h)
//   GET /api/v1/members/{id}                viewer
//   GET /api/v1/members/{id}/bounces        viewer (?limit=)
//   GET /api/v1/members/{id}/decisions      viewer (?limit=)
//   POST /api/v1/members/{id}/reset-bounces   operator (ApiBody.h)
//   POST /api/v1/members/{id}/ignore-bounces  operator, {"on": true|false}
//   POST /api/v1/members/{id}/unsubscribe     operator
//   POST /api/v1/members/{id}/resubscribe     operator
//   GET, POST /api/v1/tokens                 admin ({"name": ..., "role": ...})
//   DELETE /api/v1/tokens/{name}             admin
//   GET /api/v1/reports/{name}               viewer: summary, suppressed, domains,
//                                            reasons, campaign (every campaign in the
//                                            window), trend, incidents
//   GET /api/v1/reports/campaign/{id}        viewer: one campaign
//   GET /api/v1/campaigns                    viewer: = reports/campaign
//   GET /api/v1/campaigns/{id}               viewer: = reports/campaign/{id}
//     the reports take ?since=30d|12h|YYYY-MM-DD (default 30d) and
//     &format=json|csv|html (default json): ApiReports.cpp
//
// Segments are split before they are decoded (WebRoutes.h pathSegments); anything
// else under /api, a report name among them, is Unknown (404). The query string is kept, undecoded. Never throws.
#pragma once

#include "verpmail/store/ApiTokenStore.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace verpmail::web {

struct ApiRoute
{
    enum class Kind
    {
        Health,
        Whoami,
        Config,
        Lists,
        ListMembers,
        Member,
        MemberBounces,
        MemberDecisions,
        MemberReset,
        MemberIgnore,
        MemberUnsubscribe,
        MemberResubscribe,
        Tokens,
        Token,
        Report,          ///< reports/{name}
        CampaignReport,  ///< reports/campaign/{id}
        Campaigns,       ///< campaigns
        Campaign,        ///< campaigns/{id}
        Unknown,
    };
    Kind kind = Kind::Unknown;
    std::string list;   ///< ListMembers: decoded; Token: the token's name
    std::string report;    ///< Report: a name isReportName (Reports.h) knows
    std::string campaign;  ///< CampaignReport, Campaign: decoded, as sent (the handler checks it)
    std::uint64_t member = 0;  ///< Member...: members.id (1-18 digits)
    std::string query;  ///< after '?', as sent ("" when none)
};

/// The route of `target`, which starts with "/api".
ApiRoute apiRouteOf(std::string_view target);

/// The Allow header of a route; "" for Unknown.
const char* apiAllowedMethods(ApiRoute::Kind kind);

bool apiMethodAllowed(ApiRoute::Kind kind, std::string_view method);

/// The role a token needs for `method` on the route; nullopt when none is needed.
std::optional<ApiRole> apiRoleNeeded(ApiRoute::Kind kind, std::string_view method);

/// Whether the route changes something (POST, operator).
bool apiChangesMember(ApiRoute::Kind kind);

/// The name of a route in log lines ("lists", "list-members", ...).
const char* apiRouteName(ApiRoute::Kind kind);

} // namespace verpmail::web
