// ApiHandlers' report endpoints (viewer): GET /api/v1/reports/{name},
// /api/v1/reports/campaign/{id}, /api/v1/campaigns and /api/v1/campaigns/{id}.
//
// The report is built by the library `verpmail-admin report` uses (reportByName)
// and printed by the same renderer, so an answer is what the admin prints for the
// same name, ID, --since and --format, but for the moment it was made (`until`).
// /campaigns is the campaign report under the name a console looks for.
#include "ApiHandlers.h"
#include "ApiQuery.h"

#include "verpmail/mail/CampaignId.h"
#include "verpmail/report/Render.h"
#include "verpmail/util/Printable.h"

#include <ctime>

namespace verpmail::web {
namespace {

const char* contentTypeOf(ReportFormat format)
{
    switch (format) {
    case ReportFormat::Csv: return "text/csv; charset=utf-8";
    case ReportFormat::Html: return kHtmlType;
    case ReportFormat::Json:
    case ReportFormat::Table: break;
    }
    return kJsonType;
}

const char* formatName(ReportFormat format)
{
    switch (format) {
    case ReportFormat::Csv: return "csv";
    case ReportFormat::Html: return "html";
    case ReportFormat::Table: return "table";
    case ReportFormat::Json: break;
    }
    return "json";
}

bool namesOneCampaign(ApiRoute::Kind kind)
{
    return kind == ApiRoute::Kind::CampaignReport || kind == ApiRoute::Kind::Campaign;
}

} // namespace

WebAnswer ApiHandlers::report(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who)
{
    const ReportQuery query = parseReportQuery(route.query, std::time(nullptr));
    if (!query.window)
        return refuse(route, request, 400, "bad-parameter", query.error);
    ReportRequest wanted{route.kind == ApiRoute::Kind::Report ? route.report : "campaign", std::nullopt, *query.window};
    if (namesOneCampaign(route.kind)) {
        // No campaign has an id the sender could not have issued (1-64 bytes, the
        // size of campaigns.id): such an id costs no query.
        if (!validCampaignId(route.campaign))
            return refuse(route, request, 404, "no-such-campaign", "no such campaign");
        wanted.campaign = route.campaign;
    }
    _log.debug("web: api route=%s report=%s campaign=%s since=%s format=%s token=%s client=%s",
               std::string(apiRouteName(route.kind)), wanted.name, printable(route.campaign, 64),
               printable(query.window->text, 20), std::string(formatName(query.format)), who.name, request.client);
    const std::optional<Report> built = _data.report(wanted);
    if (!built)
        return refuse(route, request, 404, "no-such-campaign", "no such campaign");
    WebAnswer answer;
    answer.contentType = contentTypeOf(query.format);
    answer.body = render(*built, query.format);
    return answer;
}

} // namespace verpmail::web
