// ApiHandlers' reports (ApiReports.cpp): the report, campaign and window asked of
// the data, the formats and their content types, bad parameters and unknown
// campaigns, decided without a database (the report is FakeApiData's). That the
// bodies are what `verpmail-admin report` prints is tests/e2e/web_api_reports.sh's.
#include "ApiHandlers.h"
#include "ApiQuery.h"

#include "ApiTestFakes.h"
#include "WebTestFakes.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <string>

namespace verpmail::web {
namespace {

using testing::FakeApiData;
using testing::KeptLines;
using testing::kViewerToken;

Poco::JSON::Object::Ptr parsed(const WebAnswer& answer)
{
    return Poco::JSON::Parser().parse(answer.body).extract<Poco::JSON::Object::Ptr>();
}

class ApiReportsTest : public ::testing::Test
{
protected:
    ApiReportsTest() : log(testing::keptLogger(lines)), api(data, {}, apiLimits, log) {}

    WebAnswer call(const std::string& method, const std::string& target)
    {
        WebRequest request{method, target, "", RequestBody{RequestBody::Status::Complete, ""}, "192.0.2.7"};
        request.authorization = "Bearer " + kViewerToken;
        return api.handle(request);
    }

    FakeApiData data;
    TokenBuckets apiLimits{0};
    Poco::AutoPtr<KeptLines> lines;
    Poco::Logger& log;
    ApiHandlers api;
};

TEST_F(ApiReportsTest, ReportsAnswerInTheFormatAskedForWithItsContentType)
{
    const WebAnswer json = call("GET", "/api/v1/reports/domains");
    ASSERT_EQ(json.status, 200);
    EXPECT_EQ(json.contentType, kJsonType);
    // A one-table report is an array of rows (Render.h), as the admin prints it.
    const auto rows = Poco::JSON::Parser().parse(json.body).extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(rows->getObject(0)->getValue<int>("sent"), 12);
    EXPECT_EQ(call("GET", "/api/v1/reports/domains?format=json").body, json.body);

    const WebAnswer csv = call("GET", "/api/v1/reports/domains?format=csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.contentType, "text/csv; charset=utf-8");
    EXPECT_EQ(csv.body, "campaign,sent,hard\r\nall,12,3\r\n");

    const WebAnswer html = call("GET", "/api/v1/reports/domains?since=7d&format=html");
    ASSERT_EQ(html.status, 200);
    EXPECT_EQ(html.contentType, kHtmlType);
    EXPECT_NE(html.body.find("<svg"), std::string::npos);
    EXPECT_EQ(lines->matching({"route=report", "report=domains", "since=7d", "format=html", "token=dash"}).size(), 1u);
}

TEST_F(ApiReportsTest, ReportsAskForTheNamedReportCampaignAndWindow)
{
    ASSERT_EQ(call("GET", "/api/v1/reports/trend?since=2026-01-31").status, 200);
    ASSERT_EQ(call("GET", "/api/v1/reports/suppressed").status, 200);
    ASSERT_EQ(call("GET", "/api/v1/reports/campaign?since=12h").status, 200);
    ASSERT_EQ(call("GET", "/api/v1/reports/campaign/c-2026.1").status, 200);
    ASSERT_EQ(call("GET", "/api/v1/campaigns").status, 200);
    ASSERT_EQ(call("GET", "/api/v1/campaigns/c-2026.1?format=csv").status, 200);
    const std::vector<ReportRequest>& seen = data.reportRequests;
    ASSERT_EQ(seen.size(), 6u);
    EXPECT_EQ(seen[0].name, "trend");
    EXPECT_EQ(seen[0].window.since, "2026-01-31 00:00:00");
    EXPECT_FALSE(seen[0].campaign);
    EXPECT_EQ(seen[1].name, "suppressed");
    EXPECT_EQ(seen[1].window.text, "30d") << "the admin's default --since";
    EXPECT_EQ(seen[2].name, "campaign");
    EXPECT_FALSE(seen[2].campaign);
    EXPECT_EQ(seen[2].window.text, "12h");
    for (const std::size_t i : {std::size_t{3}, std::size_t{5}}) {
        EXPECT_EQ(seen[i].name, "campaign");
        EXPECT_EQ(seen[i].campaign.value_or(""), "c-2026.1");
    }
    EXPECT_EQ(seen[4].name, "campaign");
    EXPECT_FALSE(seen[4].campaign);
    EXPECT_EQ(call("GET", "/api/v1/campaigns").body, call("GET", "/api/v1/reports/campaign").body);
    EXPECT_EQ(call("GET", "/api/v1/campaigns/c-2026.1").body, call("GET", "/api/v1/reports/campaign/c-2026.1").body);
}

TEST_F(ApiReportsTest, BadReportParametersAre400AndCostNoQuery)
{
    for (const char* query : {"since=5x", "since=2026-02-30", "since=0d", "since=", "format=xml", "format=table",
                              "format=JSON", "limit=3", "since=1d&since=2d", "since=%zz", "since", "q=a"}) {
        const std::string target = std::string("/api/v1/reports/summary?") + query;
        const WebAnswer a = call("GET", target);
        EXPECT_EQ(a.status, 400) << query;
        EXPECT_EQ(a.contentType, kJsonType) << query;
        EXPECT_EQ(parsed(a)->getValue<int>("status"), 400) << query;
        EXPECT_EQ(call("GET", std::string("/api/v1/campaigns/c-2026.1?") + query).status, 400) << query;
    }
    EXPECT_EQ(parsed(call("GET", "/api/v1/campaigns?format=xml"))->getValue<std::string>("error"),
              "format must be json, csv or html");
    EXPECT_EQ(parsed(call("GET", "/api/v1/campaigns?since=5x"))->getValue<std::string>("error"),
              "since must be Nd, Nh or YYYY-MM-DD");
    EXPECT_EQ(parsed(call("GET", "/api/v1/campaigns?x=1"))->getValue<std::string>("error"), "unknown parameter");
    EXPECT_TRUE(data.reportRequests.empty());
}

TEST_F(ApiReportsTest, AnUnknownCampaignIs404AndABadIdCostsNoQuery)
{
    for (const char* target : {"/api/v1/campaigns/nope", "/api/v1/reports/campaign/nope"}) {
        const WebAnswer a = call("GET", target);
        EXPECT_EQ(a.status, 404) << target;
        EXPECT_EQ(a.body, R"({"error":"no such campaign","status":404})") << target;
    }
    EXPECT_EQ(data.reportRequests.size(), 2u);
    const std::string tooLong = std::string(65, 'c');
    for (const std::string& id : {std::string("a%20b"), std::string("a%0Ab"), std::string("%C3%A9"), tooLong}) {
        EXPECT_EQ(call("GET", "/api/v1/campaigns/" + id).status, 404) << id;
        EXPECT_EQ(call("GET", "/api/v1/reports/campaign/" + id).status, 404) << id;
    }
    EXPECT_EQ(data.reportRequests.size(), 2u);
    EXPECT_EQ(call("GET", "/api/v1/campaigns/" + std::string(64, 'c')).status, 404) << "asked for, unknown";
    EXPECT_EQ(data.reportRequests.size(), 3u);
    for (const std::string& line : lines->lines())
        EXPECT_EQ(line.find('\n'), std::string::npos) << line;
}

TEST_F(ApiReportsTest, AReportWithoutTheDatabaseIs503)
{
    data.down = true;
    for (const char* target : {"/api/v1/reports/summary", "/api/v1/campaigns", "/api/v1/campaigns/c-2026.1"}) {
        const WebAnswer a = call("GET", target);
        EXPECT_EQ(a.status, 503) << target;
        EXPECT_EQ(a.header("Retry-After"), "30");
    }
}

TEST(ApiRoutes, ReportsAndCampaigns)
{
    for (const char* name : {"summary", "suppressed", "domains", "reasons", "campaign", "trend", "incidents"}) {
        const ApiRoute r = apiRouteOf(std::string("/api/v1/reports/") + name + "?format=csv");
        EXPECT_EQ(r.kind, ApiRoute::Kind::Report) << name;
        EXPECT_EQ(r.report, name);
        EXPECT_EQ(r.query, "format=csv");
        EXPECT_EQ(apiRoleNeeded(r.kind, "GET"), ApiRole::Viewer);
        EXPECT_STREQ(apiAllowedMethods(r.kind), "GET");
    }
    ApiRoute r = apiRouteOf("/api/v1/reports/campaign/c%2D1");
    EXPECT_EQ(r.kind, ApiRoute::Kind::CampaignReport);
    EXPECT_EQ(r.campaign, "c-1");
    EXPECT_EQ(apiRouteOf("/api/v1/campaigns?since=1d").kind, ApiRoute::Kind::Campaigns);
    r = apiRouteOf("/api/v1/campaigns/c.2");
    EXPECT_EQ(r.kind, ApiRoute::Kind::Campaign);
    EXPECT_EQ(r.campaign, "c.2");
    EXPECT_EQ(apiRouteOf("/api/v1/reports/bogus").kind, ApiRoute::Kind::Unknown);
    EXPECT_EQ(apiRouteOf("/api/v1/reports/summary/1").kind, ApiRoute::Kind::Unknown);
    for (const auto kind : {ApiRoute::Kind::Report, ApiRoute::Kind::CampaignReport, ApiRoute::Kind::Campaigns,
                            ApiRoute::Kind::Campaign}) {
        EXPECT_EQ(apiRoleNeeded(kind, "GET"), ApiRole::Viewer);
        EXPECT_FALSE(apiChangesMember(kind));
        EXPECT_TRUE(apiMethodAllowed(kind, "GET"));
        EXPECT_FALSE(apiMethodAllowed(kind, "POST"));
    }
}

TEST(ApiQuery, Reports)
{
    const std::time_t now = 1767225600;  // 2026-01-01 00:00:00 UTC
    ReportQuery q = parseReportQuery("", now);
    ASSERT_TRUE(q.window);
    EXPECT_EQ(q.window->text, "30d");
    EXPECT_EQ(q.window->since, "2025-12-02 00:00:00");
    EXPECT_EQ(q.format, ReportFormat::Json);
    q = parseReportQuery("format=html&since=12h", now);
    ASSERT_TRUE(q.window);
    EXPECT_EQ(q.window->since, "2025-12-31 12:00:00");
    EXPECT_EQ(q.format, ReportFormat::Html);
    EXPECT_EQ(parseReportQuery("format=csv", now).format, ReportFormat::Csv);
    EXPECT_FALSE(parseReportQuery("format=table", now).window);
    EXPECT_FALSE(parseReportQuery("since=2026-13-01", now).window);
    EXPECT_EQ(parseReportQuery("limit=1", now).error, "unknown parameter");
}

} // namespace
} // namespace verpmail::web
