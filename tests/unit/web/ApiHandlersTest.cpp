// ApiHandlers: the JSON API's answers, decided without sockets or a database:
// routing, the bearer token and its role for every endpoint, parameters, paging.
#include "ApiHandlers.h"
#include "ApiBody.h"
#include "ApiQuery.h"
#include "WebHandlers.h"

#include "ApiTestFakes.h"
#include "WebTestFakes.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <string>

namespace verpmail::web {
namespace {

using testing::FakeApiData;
using testing::KeptLines;
using testing::kAdminToken;
using testing::kOperatorToken;
using testing::kRevokedToken;
using testing::kViewerToken;

MemberRow member(std::uint64_t id, const std::string& email, bool active = true, const std::string& status = "clean")
{
    MemberRow m;
    m.id = id;
    m.email = email;
    m.active = active;
    if (!active)
        m.inactiveReason = "policy";
    m.bounceStatus = status;
    return m;
}

Poco::JSON::Object::Ptr parsed(const WebAnswer& answer)
{
    return Poco::JSON::Parser().parse(answer.body).extract<Poco::JSON::Object::Ptr>();
}

class ApiHandlersTest : public ::testing::Test
{
protected:
    ApiHandlersTest()
        : log(testing::keptLogger(lines)),
          api(data, {{"mysql.optionFile", std::string("/etc/verpmail/web.cnf"), false, false},
                     {"verp.domain", std::nullopt, true, false}},
              apiLimits, log),
          handlers(directory, limits, log, nullptr, &api)
    {
        data.summaries = {{3, "news", "news@example.org", 2, 1}};
        data.rows["news"] = {member(11, "c@example.org"), member(12, "a@example.org"),
                             member(13, "b@example.org", false, "hard"), member(14, "d%x@example.org")};
        MemberDetail detail{member(13, "b@example.org", false, "hard"), 3, "news", std::nullopt};
        detail.tracker = TrackerState{4, 2, 1, 0, 1, 0, "suppressed", std::string("hard"), false, std::nullopt};
        data.details[13] = detail;
        data.details[12] = MemberDetail{member(12, "a@example.org"), 3, "news", std::nullopt};
        data.bounceRows["b@example.org"] = {
            {7, "hard", "unknown-user", "5.1.1", "550 5.1.1 no such user", "2026-01-02 03:04:05", "bounce",
             std::string("c1")},
            {6, "soft", "mailbox-full", "4.2.2", "452 full", "2026-01-01 00:00:00", "bounce", std::nullopt}};
        data.decisionRows["b@example.org"] = {
            {9, "suppressed", "suppress", "hard", R"({"hard_bounces":2})", "verpmail-send", "2026-01-02 03:05:00"}};
    }

    WebAnswer call(const std::string& method, const std::string& target, const std::string& token = kViewerToken,
                   const std::string& body = "")
    {
        WebRequest request{method, target, "application/json", RequestBody{RequestBody::Status::Complete, body},
                           "192.0.2.7"};
        if (!token.empty())
            request.authorization = "Bearer " + token;
        return handlers.handle(request);
    }

    testing::FakeDirectory directory;
    TokenBuckets limits{1};
    TokenBuckets apiLimits{0};
    FakeApiData data;
    Poco::AutoPtr<KeptLines> lines;
    Poco::Logger& log;
    ApiHandlers api;
    WebHandlers handlers;
};

TEST_F(ApiHandlersTest, HealthNeedsNoToken)
{
    const WebAnswer ok = call("GET", "/api/v1/health", "");
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, R"({"status":"ok","database":"ok"})");
    EXPECT_EQ(ok.contentType, kJsonType);
    data.down = true;
    const WebAnswer down = call("GET", "/api/v1/health", "");
    EXPECT_EQ(down.status, 503);
    EXPECT_EQ(down.header("Retry-After"), "30");
}

TEST_F(ApiHandlersTest, EveryEndpointRefusesAMissingOrBadTokenAndATooLowRole)
{
    struct Row
    {
        const char* method;
        const char* target;
        const char* needs;  // "" none, else the lowest role
        const char* body;
    };
    const Row table[] = {
        {"GET", "/api/v1/health", "", ""},
        {"GET", "/api/v1/whoami", "viewer", ""},
        {"GET", "/api/v1/config", "viewer", ""},
        {"GET", "/api/v1/lists", "viewer", ""},
        {"GET", "/api/v1/lists/news/members", "viewer", ""},
        {"GET", "/api/v1/members/13", "viewer", ""},
        {"GET", "/api/v1/members/13/bounces", "viewer", ""},
        {"GET", "/api/v1/members/13/decisions", "viewer", ""},
        {"POST", "/api/v1/members/13/reset-bounces", "operator", ""},
        {"POST", "/api/v1/members/13/ignore-bounces", "operator", R"({"on": true})"},
        {"POST", "/api/v1/members/13/unsubscribe", "operator", "{}"},
        {"POST", "/api/v1/members/13/resubscribe", "operator", ""},
        {"GET", "/api/v1/tokens", "admin", ""},
        {"POST", "/api/v1/tokens", "admin", R"({"name":"new","role":"viewer"})"},
        {"DELETE", "/api/v1/tokens/ops", "admin", ""},
        {"GET", "/api/v1/reports/summary", "viewer", ""},
        {"GET", "/api/v1/reports/incidents?since=7d&format=html", "viewer", ""},
        {"GET", "/api/v1/reports/campaign", "viewer", ""},
        {"GET", "/api/v1/reports/campaign/c-2026.1", "viewer", ""},
        {"GET", "/api/v1/campaigns?since=30d", "viewer", ""},
        {"GET", "/api/v1/campaigns/c-2026.1", "viewer", ""},
    };
    for (const Row& row : table) {
        SCOPED_TRACE(row.target);
        const std::string needs = row.needs;
        for (const std::string& bad : {std::string(""), kRevokedToken, std::string("vm_short"), std::string("x y")}) {
            const WebAnswer a = call(row.method, row.target, bad, row.body);
            if (needs.empty()) {
                EXPECT_EQ(a.status, 200);
                continue;
            }
            EXPECT_EQ(a.status, 401) << bad;
            EXPECT_EQ(a.header("WWW-Authenticate").rfind("Bearer", 0), 0u);
            EXPECT_EQ(a.body, R"({"error":"a valid bearer token is needed","status":401})");
        }
        const std::pair<std::string, std::string> roles[] = {
            {"viewer", kViewerToken}, {"operator", kOperatorToken}, {"admin", kAdminToken}};
        int rank = 0, needed = needs == "admin" ? 2 : needs == "operator" ? 1 : 0;
        for (const auto& [role, token] : roles) {
            const std::size_t changesBefore = data.changes.size() + static_cast<std::size_t>(data.tokenChanges);
            const WebAnswer a = call(row.method, row.target, token, row.body);
            const int success = std::string(row.method) == "POST" && std::string(row.target) == "/api/v1/tokens" ? 201 : 200;
            if (std::string(row.method) == "DELETE" && rank >= needed) {
                // The admin revokes "ops" once; the tokens of this loop are made again.
                EXPECT_EQ(a.status, 200) << role;
                data.tokenTable[kOperatorToken].revokedAt.clear();
                ++rank;
                continue;
            }
            if (std::string(row.method) == "POST" && std::string(row.target) == "/api/v1/tokens" && rank >= needed) {
                EXPECT_EQ(a.status, success) << role;
                ++rank;
                continue;
            }
            EXPECT_EQ(a.status, rank >= needed ? success : 403) << role;
            if (rank < needed) {
                EXPECT_EQ(data.changes.size() + static_cast<std::size_t>(data.tokenChanges), changesBefore)
                    << role << ": a refusal changes nothing";
                EXPECT_EQ(a.body, std::string(R"({"error":"this needs the role )") + needs + R"(","status":403})");
            }
            ++rank;
        }
    }
}

TEST_F(ApiHandlersTest, AMalformedTokenCostsNoQueryAndNoTokenIsLogged)
{
    call("GET", "/api/v1/lists", "vm_" + std::string(31, 'a'));
    call("GET", "/api/v1/lists", "");
    EXPECT_EQ(data.authentications, 0);
    call("GET", "/api/v1/lists", kRevokedToken);
    call("GET", "/api/v1/lists", kViewerToken);
    EXPECT_EQ(data.authentications, 2);
    for (const std::string& line : lines->lines()) {
        EXPECT_EQ(line.find(kRevokedToken), std::string::npos) << line;
        EXPECT_EQ(line.find(kViewerToken), std::string::npos) << line;
    }
    EXPECT_EQ(lines->matching({"route=lists", "token=dash"}).size(), 1u);
}

TEST_F(ApiHandlersTest, TheBearerSchemeIsReadInAnyCase)
{
    EXPECT_EQ(bearerToken("Bearer " + kViewerToken), kViewerToken);
    EXPECT_EQ(bearerToken("bearer   " + kViewerToken + " "), kViewerToken);
    EXPECT_EQ(bearerToken("BEARER " + kViewerToken), kViewerToken);
    EXPECT_EQ(bearerToken("Basic " + kViewerToken), "");
    EXPECT_EQ(bearerToken("Bearer"), "");
    EXPECT_EQ(bearerToken("Bearer" + kViewerToken), "");
    EXPECT_EQ(bearerToken("Bearer a b"), "");
}

TEST_F(ApiHandlersTest, UnknownPathsAre404AndWrongMethods405WithAllow)
{
    for (const char* target : {"/api", "/api/", "/api/v1", "/api/v2/lists", "/api/v1/nothing", "/api/v1/lists/news",
                               "/api/v1/lists//members", "/api/v1/lists/news/members/x", "/api/v1/lists/%zz/members",
                               "/api/v1/members", "/api/v1/members/0", "/api/v1/members/x", "/api/v1/members/-1",
                               "/api/v1/members/1234567890123456789", "/api/v1/members/13/other",
                               "/api/v1/members/13/bounces/1", "/api/v1/reports", "/api/v1/reports/bogus",
                               "/api/v1/reports/Summary", "/api/v1/reports/summary/x", "/api/v1/reports/trend/x",
                               "/api/v1/reports/campaign/c1/x", "/api/v1/campaigns/c1/x", "/api/v1/report/summary"}) {
        const WebAnswer a = call("GET", target);
        EXPECT_EQ(a.status, 404) << target;
        EXPECT_EQ(a.body, R"({"error":"not found","status":404})") << target;
    }
    for (const char* target : {"/api/v1/health", "/api/v1/config", "/api/v1/lists", "/api/v1/lists/news/members",
                               "/api/v1/members/13", "/api/v1/members/13/bounces", "/api/v1/members/13/decisions",
                               "/api/v1/reports/summary", "/api/v1/reports/campaign/c-2026.1", "/api/v1/campaigns",
                               "/api/v1/campaigns/c-2026.1"}) {
        const WebAnswer a = call("DELETE", target);
        EXPECT_EQ(a.status, 405) << target;
        EXPECT_EQ(a.header("Allow"), "GET");
        EXPECT_EQ(call("POST", target).status, 405) << target;
    }
    for (const char* target : {"/api/v1/members/13/reset-bounces", "/api/v1/members/13/ignore-bounces",
                               "/api/v1/members/13/unsubscribe", "/api/v1/members/13/resubscribe"}) {
        const WebAnswer a = call("GET", target, kAdminToken);
        EXPECT_EQ(a.status, 405) << target;
        EXPECT_EQ(a.header("Allow"), "POST");
    }
    EXPECT_TRUE(data.changes.empty());
    EXPECT_TRUE(data.reportRequests.empty());
}

TEST_F(ApiHandlersTest, WithoutTheApiEverythingUnderItIs404)
{
    WebHandlers none(directory, limits, log);
    EXPECT_EQ(none.handle(WebRequest{"GET", "/api/v1/health", "", {}, "192.0.2.7"}).status, 404);
}

TEST_F(ApiHandlersTest, TheApiDoesNotChargeTheUnsubscribePagesLimit)
{
    // web.rateLimit is 1 a minute here, web.api.rateLimit none.
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(call("GET", "/api/v1/lists").status, 200);
}

TEST_F(ApiHandlersTest, TheApiHasARateLimitOfItsOwnChargedBeforeTheToken)
{
    TokenBuckets two{2};
    ApiHandlers limited(data, {}, two, log);
    auto request = [&](const std::string& target, const std::string& client, const std::string& token) {
        WebRequest r{"GET", target, "", RequestBody{RequestBody::Status::Complete, ""}, client};
        r.authorization = "Bearer " + token;
        return limited.handle(r);
    };
    EXPECT_EQ(request("/api/v1/lists", "192.0.2.7", kViewerToken).status, 200);
    EXPECT_EQ(request("/api/v1/lists", "192.0.2.7", kRevokedToken).status, 401);
    const int queries = data.authentications;
    const WebAnswer refused = request("/api/v1/lists", "192.0.2.7", kViewerToken);
    EXPECT_EQ(refused.status, 429);
    EXPECT_FALSE(refused.header("Retry-After").empty());
    EXPECT_EQ(refused.body, R"({"error":"too many requests","status":429})");
    EXPECT_EQ(data.authentications, queries) << "a refused call costs no query";
    EXPECT_EQ(request("/api/v1/health", "192.0.2.7", "").status, 200) << "health is not charged";
    EXPECT_EQ(request("/api/v1/lists", "192.0.2.8", kViewerToken).status, 200) << "another client";
    EXPECT_EQ(request("/api/v1/nothing", "192.0.2.7", kViewerToken).status, 404) << "no path is not charged";
}

TEST_F(ApiHandlersTest, BodiesTooLargeOrCutShortAreRefusedBeforeTheToken)
{
    WebRequest big{"GET", "/api/v1/lists", "", RequestBody{RequestBody::Status::TooLarge, ""}, "192.0.2.7"};
    EXPECT_EQ(handlers.handle(big).status, 413);
    WebRequest cut{"GET", "/api/v1/lists", "", RequestBody{RequestBody::Status::Incomplete, ""}, "192.0.2.7"};
    EXPECT_EQ(handlers.handle(cut).status, 400);
    EXPECT_EQ(data.authentications, 0);
}

TEST_F(ApiHandlersTest, WhoamiNamesTheTokenAndItsRole)
{
    const WebAnswer viewer = call("GET", "/api/v1/whoami", kViewerToken);
    ASSERT_EQ(viewer.status, 200);
    EXPECT_EQ(viewer.body, R"({"name":"dash","role":"viewer"})");
    EXPECT_EQ(call("GET", "/api/v1/whoami", kAdminToken).body, R"({"name":"boss","role":"admin"})");
    EXPECT_EQ(call("POST", "/api/v1/whoami", kAdminToken, "{}").status, 405);
}

TEST_F(ApiHandlersTest, ConfigShowsEveryKeyAndNoFile)
{
    const WebAnswer a = call("GET", "/api/v1/config");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.body, R"({"config":[{"key":"mysql.optionFile","value":"/etc/verpmail/web.cnf","default":false},)"
                      R"({"key":"verp.domain","value":null,"default":true}]})");
}

TEST_F(ApiHandlersTest, ListsWithTheirCounts)
{
    const WebAnswer a = call("GET", "/api/v1/lists");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.body, R"({"lists":[{"id":3,"name":"news","from_address":"news@example.org",)"
                      R"("members":{"active":2,"inactive":1}}]})");
    data.down = true;
    const WebAnswer down = call("GET", "/api/v1/lists");
    EXPECT_EQ(down.status, 503);
    EXPECT_EQ(down.header("Retry-After"), "30");
}

TEST_F(ApiHandlersTest, MembersArePagedByAddress)
{
    WebAnswer a = call("GET", "/api/v1/lists/news/members?limit=2");
    ASSERT_EQ(a.status, 200);
    Poco::JSON::Object::Ptr page = parsed(a);
    EXPECT_EQ(page->getArray("members")->size(), 2u);
    EXPECT_EQ(page->getArray("members")->getObject(0)->getValue<std::string>("email"), "a@example.org");
    ASSERT_EQ(page->getValue<std::string>("next"), "b@example.org");

    a = call("GET", "/api/v1/lists/news/members?limit=2&after=b%40example.org");
    page = parsed(a);
    EXPECT_EQ(page->getArray("members")->size(), 2u);
    EXPECT_EQ(page->getArray("members")->getObject(0)->getValue<std::string>("email"), "c@example.org");
    // Exactly `limit` left: no next page, and no empty page to fetch.
    EXPECT_TRUE(page->isNull("next"));

    a = call("GET", "/api/v1/lists/news/members");
    page = parsed(a);
    EXPECT_EQ(page->getArray("members")->size(), 4u);
    EXPECT_TRUE(page->isNull("next"));
    EXPECT_EQ(data.seenFilters.back().limit, 100u);
}

TEST_F(ApiHandlersTest, AMemberHasEveryField)
{
    const WebAnswer a = call("GET", "/api/v1/lists/news/members?status=hard&active=0");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.body, R"({"list":"news","members":[{"id":13,"email":"b@example.org","name":null,"active":false,)"
                      R"("inactive_reason":"policy","bounce_status":"hard","bounce_count":0,"last_bounce_at":null}],)"
                      R"("next":null})");
}

TEST_F(ApiHandlersTest, FiltersReachTheStoreDecoded)
{
    ASSERT_EQ(call("GET", "/api/v1/lists/news/members?q=d%25x+y&status=soft&active=1&limit=500").status, 200);
    const MemberFilter& f = data.seenFilters.back();
    EXPECT_EQ(f.contains, "d%x y");
    EXPECT_EQ(f.status, "soft");
    ASSERT_TRUE(f.active);
    EXPECT_TRUE(*f.active);
    EXPECT_EQ(f.limit, 500u);
}

TEST_F(ApiHandlersTest, BadParametersAre400AndCostNoQuery)
{
    for (const char* query : {"limit=0", "limit=501", "limit=-1", "limit=abc", "limit=1000000000000", "limit=",
                              "status=bounced", "status=", "active=2", "active=true", "after=", "q=", "unknown=1",
                              "limit=1&limit=2", "q=%zz", "q", "q=a%00b"}) {
        const WebAnswer a = call("GET", std::string("/api/v1/lists/news/members?") + query);
        EXPECT_EQ(a.status, 400) << query;
        EXPECT_EQ(parsed(a)->getValue<int>("status"), 400) << query;
    }
    EXPECT_EQ(call("GET", "/api/v1/lists/news/members?after=" + std::string(255, 'a')).status, 400);
    EXPECT_EQ(call("GET", "/api/v1/lists/news/members?q=" + std::string(255, 'a')).status, 400);
    EXPECT_TRUE(data.seenFilters.empty());
    EXPECT_EQ(call("GET", "/api/v1/lists/news/members?after=" + std::string(254, 'a')).status, 200);
}

TEST_F(ApiHandlersTest, AnUnknownListIs404)
{
    EXPECT_EQ(call("GET", "/api/v1/lists/nope/members").status, 404);
    EXPECT_EQ(call("GET", "/api/v1/lists/" + std::string(65, 'n') + "/members").status, 404);
}

TEST_F(ApiHandlersTest, AMemberWithItsTrackerState)
{
    const WebAnswer a = call("GET", "/api/v1/members/13");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.body, R"({"id":13,"email":"b@example.org","name":null,"active":false,"inactive_reason":"policy",)"
                      R"("bounce_status":"hard","bounce_count":0,"last_bounce_at":null,"list_id":3,"list":"news",)"
                      R"("tracker":{"bounce_count":4,"hard_bounce_count":2,"soft_bounce_count":1,"block_count":0,)"
                      R"("complaint_count":1,"sent_since_bounce":0,"policy_state":"suppressed",)"
                      R"("suppressed_reason":"hard","ignore_bounces":false,"last_bounce_at":null}})");
    EXPECT_EQ(parsed(call("GET", "/api/v1/members/12"))->isNull("tracker"), true);
    EXPECT_EQ(call("GET", "/api/v1/members/99").status, 404);
    EXPECT_EQ(call("GET", "/api/v1/members/99/bounces").status, 404);
    EXPECT_EQ(call("GET", "/api/v1/members/99/decisions").status, 404);
    EXPECT_EQ(call("GET", "/api/v1/members/13?limit=1").status, 400);
}

TEST_F(ApiHandlersTest, AMembersBouncesNewestFirst)
{
    WebAnswer a = call("GET", "/api/v1/members/13/bounces");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.body, R"({"member":13,"email":"b@example.org","bounces":[)"
                      R"({"id":7,"class":"hard","reason":"unknown-user","status_code":"5.1.1",)"
                      R"("diagnostic":"550 5.1.1 no such user","bounced_at":"2026-01-02 03:04:05","campaign":"c1",)"
                      R"("kind":"bounce"},{"id":6,"class":"soft","reason":"mailbox-full","status_code":"4.2.2",)"
                      R"("diagnostic":"452 full","bounced_at":"2026-01-01 00:00:00","campaign":null,"kind":"bounce"}]})");
    EXPECT_EQ(data.limits.back(), 100u);
    a = call("GET", "/api/v1/members/13/bounces?limit=1");
    EXPECT_EQ(parsed(a)->getArray("bounces")->size(), 1u);
    EXPECT_EQ(data.limits.back(), 1u);
}

TEST_F(ApiHandlersTest, AMembersDecisions)
{
    const WebAnswer a = call("GET", "/api/v1/members/13/decisions");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.body, R"({"member":13,"email":"b@example.org","decisions":[{"id":9,"state":"suppressed",)"
                      R"("action":"suppress","rule":"hard","evidence":"{\"hard_bounces\":2}","actor":"verpmail-send",)"
                      R"("decided_at":"2026-01-02 03:05:00"}]})");
}

TEST_F(ApiHandlersTest, AMembersHistoryTakesALimitAlone)
{
    data.limits.clear();
    for (const char* q : {"limit=0", "limit=501", "limit=x", "after=a", "limit=1&limit=1", "q=a", "limit=%zz"}) {
        EXPECT_EQ(call("GET", std::string("/api/v1/members/13/bounces?") + q).status, 400) << q;
        EXPECT_EQ(call("GET", std::string("/api/v1/members/13/decisions?") + q).status, 400) << q;
    }
    EXPECT_TRUE(data.limits.empty());
}

TEST_F(ApiHandlersTest, ChangesCarryTheTokensNameAndAnswerTheNewState)
{
    WebAnswer a = call("POST", "/api/v1/members/13/unsubscribe", kOperatorToken);
    ASSERT_EQ(a.status, 200);
    ASSERT_EQ(data.changes.size(), 1u);
    EXPECT_EQ(data.changes[0].kind, MemberChangeRequest::Kind::Unsubscribe);
    EXPECT_EQ(data.changes[0].actor, "api:ops");
    Poco::JSON::Object::Ptr answer = parsed(a);
    EXPECT_EQ(answer->getValue<std::string>("change"), "done");
    EXPECT_EQ(answer->getObject("member")->getValue<bool>("active"), false);
    EXPECT_EQ(answer->getObject("member")->getValue<std::string>("inactive_reason"), "unsubscribed");

    a = call("POST", "/api/v1/members/13/ignore-bounces", kAdminToken, R"({"on":true})");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(data.changes.back().kind, MemberChangeRequest::Kind::Ignore);
    EXPECT_TRUE(data.changes.back().on);
    EXPECT_EQ(data.changes.back().actor, "api:boss");
    EXPECT_EQ(parsed(a)->getObject("member")->getObject("tracker")->getValue<bool>("ignore_bounces"), true);
    a = call("POST", "/api/v1/members/13/ignore-bounces", kAdminToken, R"( {"on" : false} )");
    ASSERT_EQ(a.status, 200);
    EXPECT_FALSE(data.changes.back().on);

    EXPECT_EQ(call("POST", "/api/v1/members/13/reset-bounces", kOperatorToken).status, 200);
    EXPECT_EQ(data.changes.back().kind, MemberChangeRequest::Kind::Reset);
    EXPECT_EQ(call("POST", "/api/v1/members/13/resubscribe", kOperatorToken, " {} ").status, 200);
    EXPECT_EQ(data.changes.back().kind, MemberChangeRequest::Kind::Resubscribe);
    EXPECT_EQ(lines->matching({"action=resubscribe", "member=13", "token=ops"}).size(), 1u);
}

TEST_F(ApiHandlersTest, ChangesOfUnknownOrNeverMailedMembers)
{
    EXPECT_EQ(call("POST", "/api/v1/members/99/reset-bounces", kOperatorToken).status, 404);
    EXPECT_EQ(call("POST", "/api/v1/members/99/unsubscribe", kOperatorToken).status, 404);
    data.neverMailed = true;
    const WebAnswer a = call("POST", "/api/v1/members/13/reset-bounces", kOperatorToken);
    EXPECT_EQ(a.status, 409);
    EXPECT_EQ(parsed(a)->getValue<int>("status"), 409);
    data.down = true;
    EXPECT_EQ(call("POST", "/api/v1/members/13/reset-bounces", kOperatorToken).status, 503);
}

TEST_F(ApiHandlersTest, BadBodiesAre400AndChangeNothing)
{
    for (const char* body : {"", "{}", "[]", "null", "true", R"({"on":1})", R"({"on":"true"})", R"({"on":null})",
                             R"({"on":true,"x":1})", R"({"off":true})", R"({"on":true)", R"({"on":true}x)", "\xff",
                             R"({"on":true}{"on":true})"}) {
        const WebAnswer a = call("POST", "/api/v1/members/13/ignore-bounces", kOperatorToken, body);
        EXPECT_EQ(a.status, 400) << body;
        EXPECT_EQ(parsed(a)->getValue<int>("status"), 400) << body;
    }
    for (const char* path : {"reset-bounces", "unsubscribe", "resubscribe"})
        for (const char* body : {R"({"on":true})", "[]", "x", "{", "null", R"({"a":1})"})
            EXPECT_EQ(call("POST", std::string("/api/v1/members/13/") + path, kOperatorToken, body).status, 400)
                << path << " " << body;
    EXPECT_EQ(call("POST", "/api/v1/members/13/reset-bounces?x=1", kOperatorToken).status, 400);
    WebRequest big{"POST", "/api/v1/members/13/reset-bounces", "", RequestBody{RequestBody::Status::TooLarge, ""},
                   "192.0.2.7"};
    big.authorization = "Bearer " + kOperatorToken;
    EXPECT_EQ(handlers.handle(big).status, 413);
    EXPECT_TRUE(data.changes.empty());
}

TEST_F(ApiHandlersTest, TokensAreListedWithoutTheirSecret)
{
    const WebAnswer a = call("GET", "/api/v1/tokens", kAdminToken);
    ASSERT_EQ(a.status, 200);
    for (const std::string& t : {kViewerToken, kOperatorToken, kAdminToken})
        EXPECT_EQ(a.body.find(t.substr(3)), std::string::npos);
    const auto list = parsed(a)->getArray("tokens");
    ASSERT_EQ(list->size(), 3u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("name"), "dash");
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("role"), "viewer");
    EXPECT_TRUE(list->getObject(0)->isNull("revoked_at"));
    EXPECT_FALSE(list->getObject(0)->has("token"));
}

TEST_F(ApiHandlersTest, ATokenIsMadeShownOnceAndRevoked)
{
    WebAnswer a = call("POST", "/api/v1/tokens", kAdminToken, R"({"name":"robot-1","role":"operator"})");
    ASSERT_EQ(a.status, 201);
    Poco::JSON::Object::Ptr made = parsed(a);
    const std::string token = made->getValue<std::string>("token");
    EXPECT_TRUE(apiTokenShape(token));
    EXPECT_EQ(made->getValue<std::string>("role"), "operator");
    EXPECT_EQ(made->getValue<std::string>("created_by"), "api:boss");
    for (const std::string& line : lines->lines())
        EXPECT_EQ(line.find(token), std::string::npos) << line;
    EXPECT_EQ(call("GET", "/api/v1/lists", token).status, 200);

    EXPECT_EQ(call("POST", "/api/v1/tokens", kAdminToken, R"({"name":"robot-1","role":"viewer"})").status, 409);
    a = call("DELETE", "/api/v1/tokens/robot-1", kAdminToken);
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.body, R"({"name":"robot-1","revoked":true})");
    EXPECT_EQ(call("GET", "/api/v1/lists", token).status, 401);
    EXPECT_EQ(call("DELETE", "/api/v1/tokens/robot-1", kAdminToken).status, 404);
    EXPECT_EQ(call("DELETE", "/api/v1/tokens/nobody", kAdminToken).status, 404);
    EXPECT_EQ(call("DELETE", "/api/v1/tokens/-bad", kAdminToken).status, 404);
    EXPECT_EQ(call("PUT", "/api/v1/tokens", kAdminToken).header("Allow"), "GET, POST");
    EXPECT_EQ(call("GET", "/api/v1/tokens/x", kAdminToken).header("Allow"), "DELETE");
}

TEST_F(ApiHandlersTest, BadTokenBodiesAre400AndMakeNothing)
{
    for (const char* body : {"", "{}", "[]", R"({"name":"x"})", R"({"role":"viewer"})",
                             R"({"name":"x","role":"root"})", R"({"name":"bad name","role":"viewer"})",
                             R"({"name":"-x","role":"viewer"})", R"({"name":1,"role":"viewer"})",
                             R"({"name":"x","role":["viewer"]})", R"({"name":"x","role":"viewer","extra":1})",
                             R"({"name":"x","role":"viewer"} trailing)"}) {
        const WebAnswer a = call("POST", "/api/v1/tokens", kAdminToken, body);
        EXPECT_EQ(a.status, 400) << body;
    }
    EXPECT_EQ(call("POST", "/api/v1/tokens", kAdminToken,
                   std::string(R"({"name":")") + std::string(65, 'n') + R"(","role":"viewer"})").status, 400);
    EXPECT_EQ(call("DELETE", "/api/v1/tokens/dash", kAdminToken, "x").status, 400);
    EXPECT_EQ(data.tokenChanges, 0);
}

TEST(ApiBody, OnOff)
{
    EXPECT_EQ(parseOnOffBody(R"({"on":true})").on, true);
    EXPECT_EQ(parseOnOffBody(R"({"on":false})").on, false);
    EXPECT_FALSE(parseOnOffBody(R"({"on":0})").on);
    EXPECT_TRUE(emptyBody(""));
    EXPECT_TRUE(emptyBody(" \r\n"));
    EXPECT_TRUE(emptyBody("{}"));
    EXPECT_FALSE(emptyBody("{} x"));
    EXPECT_FALSE(emptyBody("[]"));
}

TEST(ApiRoutes, SplitsBeforeDecodingAndKeepsTheQuery)
{
    ApiRoute r = apiRouteOf("/api/v1/lists/a%2Fb/members?limit=3#frag");
    EXPECT_EQ(r.kind, ApiRoute::Kind::ListMembers);
    EXPECT_EQ(r.list, "a/b");
    EXPECT_EQ(r.query, "limit=3");
    EXPECT_EQ(apiRouteOf("/api/v1/lists?").kind, ApiRoute::Kind::Lists);
    EXPECT_EQ(apiRouteOf("/api/v1/health/").kind, ApiRoute::Kind::Unknown);
    r = apiRouteOf("/api/v1/members/000042/decisions");
    EXPECT_EQ(r.kind, ApiRoute::Kind::MemberDecisions);
    EXPECT_EQ(r.member, 42u);
    EXPECT_FALSE(apiRoleNeeded(ApiRoute::Kind::Health, "GET"));
    EXPECT_EQ(apiRoleNeeded(ApiRoute::Kind::Lists, "GET"), ApiRole::Viewer);
}

TEST(ApiQuery, PairsAreDecoded)
{
    const auto pairs = queryPairs("a=1&&b=x+y%21&c=");
    ASSERT_TRUE(pairs);
    ASSERT_EQ(pairs->size(), 3u);
    EXPECT_EQ((*pairs)[1].second, "x y!");
    EXPECT_EQ((*pairs)[2].second, "");
    EXPECT_FALSE(queryPairs("a"));
    EXPECT_FALSE(queryPairs("a=%4"));
}

TEST(ApiConfig, SecretsAreNamedNotFiles)
{
    EXPECT_FALSE(secretBearingKey("bouncer.imap.passwordFile"));
    EXPECT_FALSE(secretBearingKey("verp.keyFile"));
    EXPECT_TRUE(secretBearingKey("smtp.password"));
    EXPECT_TRUE(secretBearingKey("web.sharedSecret"));
    EXPECT_FALSE(secretBearingKey("verp.domain"));
}

} // namespace
} // namespace verpmail::web
