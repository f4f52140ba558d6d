#include "ApiRoutes.h"

#include "WebRoutes.h"

#include "verpmail/report/Reports.h"

#include <utility>
#include <vector>

namespace verpmail::web {
namespace {

/// A member id: 1-18 digits, not 0 (members.id is a BIGINT UNSIGNED AUTO_INCREMENT).
std::uint64_t memberId(const std::string& text)
{
    if (text.empty() || text.size() > 18)
        return 0;
    std::uint64_t id = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return 0;
        id = id * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return id;
}

ApiRoute::Kind memberKind(const std::vector<std::string>& parts)
{
    if (parts.size() == 4)
        return ApiRoute::Kind::Member;
    if (parts.size() != 5)
        return ApiRoute::Kind::Unknown;
    static const std::pair<const char*, ApiRoute::Kind> kinds[] = {
        {"bounces", ApiRoute::Kind::MemberBounces},
        {"decisions", ApiRoute::Kind::MemberDecisions},
        {"reset-bounces", ApiRoute::Kind::MemberReset},
        {"ignore-bounces", ApiRoute::Kind::MemberIgnore},
        {"unsubscribe", ApiRoute::Kind::MemberUnsubscribe},
        {"resubscribe", ApiRoute::Kind::MemberResubscribe},
    };
    for (const auto& [name, kind] : kinds)
        if (parts[4] == name)
            return kind;
    return ApiRoute::Kind::Unknown;
}

/// reports/{name}, reports/campaign/{id}, campaigns, campaigns/{id}; Unknown otherwise.
void reportRoute(const std::vector<std::string>& parts, ApiRoute& route)
{
    const std::size_t n = parts.size();
    if (parts[2] == "campaigns" && n <= 4) {
        route.kind = n == 3 ? ApiRoute::Kind::Campaigns : ApiRoute::Kind::Campaign;
        if (n == 4)
            route.campaign = parts[3];
    } else if (parts[2] == "reports" && n == 4 && isReportName(parts[3])) {
        route.kind = ApiRoute::Kind::Report;
        route.report = parts[3];
    } else if (parts[2] == "reports" && n == 5 && parts[3] == "campaign") {
        route.kind = ApiRoute::Kind::CampaignReport;
        route.campaign = parts[4];
    }
}

} // namespace

ApiRoute apiRouteOf(std::string_view target)
{
    ApiRoute route;
    const std::size_t hash = target.find('#');
    if (hash != std::string_view::npos)
        target = target.substr(0, hash);
    const std::size_t question = target.find('?');
    if (question != std::string_view::npos)
        route.query = std::string(target.substr(question + 1));
    const std::vector<std::string> parts = pathSegments(target.substr(0, question));
    if (parts.size() < 3 || parts[0] != "api" || parts[1] != "v1")
        return {};
    const std::size_t n = parts.size();
    if (n == 3 && parts[2] == "health")
        route.kind = ApiRoute::Kind::Health;
    else if (n == 3 && parts[2] == "whoami")
        route.kind = ApiRoute::Kind::Whoami;
    else if (n == 3 && parts[2] == "config")
        route.kind = ApiRoute::Kind::Config;
    else if (n == 3 && parts[2] == "lists")
        route.kind = ApiRoute::Kind::Lists;
    else if (n == 5 && parts[2] == "lists" && parts[4] == "members") {
        route.kind = ApiRoute::Kind::ListMembers;
        route.list = parts[3];
    } else if (n == 3 && parts[2] == "tokens") {
        route.kind = ApiRoute::Kind::Tokens;
    } else if (n == 4 && parts[2] == "tokens") {
        route.kind = ApiRoute::Kind::Token;
        route.list = parts[3];
    } else if (n >= 4 && parts[2] == "members" && (route.member = memberId(parts[3])) != 0) {
        route.kind = memberKind(parts);
    } else if (parts[2] == "reports" || parts[2] == "campaigns") {
        reportRoute(parts, route);
    } else
        return {};
    if (route.kind == ApiRoute::Kind::Unknown)
        return {};
    return route;
}

bool apiChangesMember(ApiRoute::Kind kind)
{
    return kind == ApiRoute::Kind::MemberReset || kind == ApiRoute::Kind::MemberIgnore ||
           kind == ApiRoute::Kind::MemberUnsubscribe || kind == ApiRoute::Kind::MemberResubscribe;
}

const char* apiAllowedMethods(ApiRoute::Kind kind)
{
    switch (kind) {
    case ApiRoute::Kind::Unknown: return "";
    case ApiRoute::Kind::Tokens: return "GET, POST";
    case ApiRoute::Kind::Token: return "DELETE";
    default: break;
    }
    return apiChangesMember(kind) ? "POST" : "GET";
}

bool apiMethodAllowed(ApiRoute::Kind kind, std::string_view method)
{
    if (kind == ApiRoute::Kind::Tokens)
        return method == "GET" || method == "POST";
    return kind != ApiRoute::Kind::Unknown && method == apiAllowedMethods(kind);
}

std::optional<ApiRole> apiRoleNeeded(ApiRoute::Kind kind, std::string_view /*method*/)
{
    if (kind == ApiRoute::Kind::Health)
        return std::nullopt;
    if (kind == ApiRoute::Kind::Tokens || kind == ApiRoute::Kind::Token)
        return ApiRole::Admin;
    return apiChangesMember(kind) ? ApiRole::Operator : ApiRole::Viewer;
}

const char* apiRouteName(ApiRoute::Kind kind)
{
    switch (kind) {
    case ApiRoute::Kind::Health: return "health";
    case ApiRoute::Kind::Whoami: return "whoami";
    case ApiRoute::Kind::Config: return "config";
    case ApiRoute::Kind::Lists: return "lists";
    case ApiRoute::Kind::ListMembers: return "list-members";
    case ApiRoute::Kind::Member: return "member";
    case ApiRoute::Kind::MemberBounces: return "member-bounces";
    case ApiRoute::Kind::MemberDecisions: return "member-decisions";
    case ApiRoute::Kind::MemberReset: return "reset-bounces";
    case ApiRoute::Kind::MemberIgnore: return "ignore-bounces";
    case ApiRoute::Kind::MemberUnsubscribe: return "unsubscribe";
    case ApiRoute::Kind::MemberResubscribe: return "resubscribe";
    case ApiRoute::Kind::Tokens: return "tokens";
    case ApiRoute::Kind::Token: return "token";
    case ApiRoute::Kind::Report: return "report";
    case ApiRoute::Kind::CampaignReport: return "campaign-report";
    case ApiRoute::Kind::Campaigns: return "campaigns";
    case ApiRoute::Kind::Campaign: return "campaign";
    case ApiRoute::Kind::Unknown: return "unknown";
    }
    return "unknown";
}

} // namespace verpmail::web
