// WebHandlers: every answer of verpmail-web, decided without sockets or a database.
#include "WebHandlers.h"

#include "WebTestFakes.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail::web {
namespace {

using testing::FakeDirectory;
using testing::KeptLines;

constexpr const char* kForm = "application/x-www-form-urlencoded";

class WebHandlersTest : public ::testing::Test
{
protected:
    WebHandlersTest() : log(testing::keptLogger(lines)), handlers(directory, limits, log)
    {
        newsToken = directory.add(4711, 3, "news", "jane@example.org");
        otherToken = directory.add(4712, 4, "other", "jane@example.org");
        outToken = directory.add(4713, 3, "news", "out@example.org", false, "unsubscribed");
        bouncedToken = directory.add(4714, 3, "news", "bounced@example.org", false, "policy");
    }

    WebAnswer get(const std::string& target, const std::string& client = "192.0.2.7")
    {
        return handlers.handle(WebRequest{"GET", target, "", RequestBody{}, client});
    }

    WebAnswer post(const std::string& target, const std::string& body = "List-Unsubscribe=One-Click",
                   const std::string& type = kForm, const std::string& client = "192.0.2.7")
    {
        return handlers.handle(WebRequest{"POST", target, type, RequestBody{RequestBody::Status::Complete, body}, client});
    }

    std::string url(const std::string& list, const std::string& token) { return "/unsubscribe/" + list + "/" + token; }

    FakeDirectory directory;
    TokenBuckets limits{1000};
    Poco::AutoPtr<KeptLines> lines;
    Poco::Logger& log;
    WebHandlers handlers;
    std::string newsToken, otherToken, outToken, bouncedToken;
};

TEST_F(WebHandlersTest, GetShowsTheConfirmPageAndChangesNothing)
{
    const WebAnswer a = get(url("news", newsToken));
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.contentType, kHtmlType);
    EXPECT_NE(a.body.find("j***@example.org"), std::string::npos);
    EXPECT_NE(a.body.find("<form method=\"post\">"), std::string::npos);
    EXPECT_TRUE(directory.member(4711).active);
    EXPECT_TRUE(directory.calls.empty()) << "a GET never unsubscribes";
    const WebAnswer head = handlers.handle(WebRequest{"HEAD", url("news", newsToken), "", {}, "192.0.2.7"});
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(directory.calls.empty());
}

TEST_F(WebHandlersTest, GetForAMemberAlreadyOutSaysSo)
{
    const WebAnswer out = get(url("news", outToken));
    EXPECT_EQ(out.status, 200);
    EXPECT_NE(out.body.find("already unsubscribed"), std::string::npos);
    EXPECT_EQ(out.body.find("<form"), std::string::npos);
    // Paused by the bounce policy: the member can still make it an opt-out.
    const WebAnswer bounced = get(url("news", bouncedToken));
    EXPECT_NE(bounced.body.find("<form"), std::string::npos);
}

TEST_F(WebHandlersTest, PostUnsubscribesOnceAndLogsIt)
{
    const WebAnswer first = post(url("news", newsToken));
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.contentType, kHtmlType);
    EXPECT_NE(first.body.find("now unsubscribed"), std::string::npos);
    EXPECT_FALSE(directory.member(4711).active);
    EXPECT_EQ(directory.member(4711).inactiveReason, "unsubscribed");
    ASSERT_EQ(directory.calls.size(), 1u);
    EXPECT_EQ(directory.calls[0].id, 4711u);
    EXPECT_EQ(directory.calls[0].actor, "web 192.0.2.7");
    EXPECT_EQ(directory.calls[0].via, "one-click");
    EXPECT_TRUE(directory.member(4712).active) << "the same address on another list stays";

    const WebAnswer second = post(url("news", newsToken));
    EXPECT_EQ(second.status, 200) << "idempotent";
    EXPECT_NE(second.body.find("already unsubscribed"), std::string::npos);
    EXPECT_EQ(directory.audits, 1);

    EXPECT_EQ(lines->matching({"action=unsubscribe list=news member=4711 status=unsubscribed client=192.0.2.7"}).size(),
              1u);
    EXPECT_EQ(lines->matching({"action=unsubscribe list=news member=4711 status=already-out client=192.0.2.7"}).size(),
              1u);
    for (const std::string& line : lines->lines())
        EXPECT_EQ(line.find(newsToken), std::string::npos) << "tokens are never logged: " << line;
}

TEST_F(WebHandlersTest, MultipartPostUnsubscribes)
{
    const std::string body = "--b1\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b1--\r\n";
    EXPECT_EQ(post(url("news", newsToken), body, "multipart/form-data; boundary=b1").status, 200);
    EXPECT_FALSE(directory.member(4711).active);
}

TEST_F(WebHandlersTest, EveryBadTokenGetsTheSame404AndNothingChanges)
{
    std::string forged = newsToken;
    forged.back() = forged.back() == 'a' ? 'b' : 'a';
    const std::string targets[] = {
        url("news", forged),                                 // forged mac
        url("news", otherToken),                             // another list's token
        url("other", newsToken),                             // this token under another list
        url("news", "not-a-token"),                          // malformed
        url("news", "99999999999999999999999-" + newsToken.substr(5)),  // id out of range
        url("news", "4799-" + newsToken.substr(5)),          // no such membership (deleted)
        url(std::string(65, 'n'), newsToken),                // no list has such a name
    };
    for (const char* method : {"GET", "POST"}) {
        std::string firstBody;
        for (const std::string& target : targets) {
            const WebAnswer a = std::string(method) == "GET" ? get(target) : post(target);
            EXPECT_EQ(a.status, 404) << method << " " << target;
            if (firstBody.empty())
                firstBody = a.body;
            EXPECT_EQ(a.body, firstBody) << "one answer for every reason: " << method << " " << target;
        }
        EXPECT_EQ(std::string(method) == "GET" ? kHtmlType : kJsonType,
                  (std::string(method) == "GET" ? get(targets[0]) : post(targets[0])).contentType);
    }
    EXPECT_TRUE(directory.calls.empty());
    EXPECT_TRUE(directory.member(4711).active);
    EXPECT_TRUE(directory.member(4712).active);
    EXPECT_EQ(post(url("news", forged)).body, R"({"error":"not found","status":404})");
    EXPECT_GE(lines->matching({"status=404", "reason=not-found", "client=192.0.2.7"}).size(), 14u);
}

TEST_F(WebHandlersTest, MalformedTokensCostNoLookup)
{
    get(url("news", "garbage"));
    post(url("news", "12-short"));
    EXPECT_EQ(directory.lookups, 0);
}

TEST_F(WebHandlersTest, APostWithoutOneClickIs400AndChangesNothing)
{
    const std::string bodies[] = {"", "List-Unsubscribe=Maybe", "unsubscribe=yes", "%zz"};
    for (const std::string& body : bodies) {
        const WebAnswer a = post(url("news", newsToken), body);
        EXPECT_EQ(a.status, 400) << body;
        EXPECT_EQ(a.contentType, kJsonType);
        EXPECT_NE(a.body.find("\"status\":400"), std::string::npos);
        EXPECT_NE(a.body.find("List-Unsubscribe=One-Click"), std::string::npos);
    }
    EXPECT_TRUE(directory.calls.empty());
    EXPECT_TRUE(directory.member(4711).active);
    EXPECT_EQ(lines->matching({"method=POST list=news status=400 reason=no-one-click"}).size(), 4u);
}

TEST_F(WebHandlersTest, BodiesTooLargeOrCutShortAreRefused)
{
    WebRequest big{"POST", url("news", newsToken), kForm, RequestBody{RequestBody::Status::TooLarge, ""}, "192.0.2.7"};
    EXPECT_EQ(handlers.handle(big).status, 413);
    WebRequest cut{"POST", url("news", newsToken), kForm,
                   RequestBody{RequestBody::Status::Incomplete, "List-Unsubscribe=One-Click"}, "192.0.2.7"};
    EXPECT_EQ(handlers.handle(cut).status, 400);
    EXPECT_TRUE(directory.calls.empty());
}

TEST_F(WebHandlersTest, DatabaseDownIs503WithRetryAfterAndNothingAcknowledged)
{
    directory.down = true;
    for (const WebAnswer& a : {get(url("news", newsToken)), post(url("news", newsToken))}) {
        EXPECT_EQ(a.status, 503);
        EXPECT_EQ(a.header("Retry-After"), std::to_string(WebHandlers::kRetryAfterUnavailable));
    }
    EXPECT_EQ(post(url("news", newsToken)).body, R"({"error":"database unavailable, try again later","status":503})");
    EXPECT_EQ(lines->matching({"status=503", "reason=database-unavailable", "Can't connect"}).size(), 3u);

    // Down between the lookup and the opt-out: still 503, and the member still in.
    directory.down = false;
    FakeDirectory* d = &directory;
    struct DownOnOptOut : MembershipDirectory
    {
        FakeDirectory* inner;
        std::optional<Membership> byToken(std::string_view t) override { return inner->byToken(t); }
        OptOut unsubscribe(std::uint64_t, const std::string&, const std::string&) override
        {
            throw StoreUnavailable("database: MySQL error 2013 (HY000): Lost connection", true);
        }
        void ping() override {}
    } flaky;
    flaky.inner = d;
    WebHandlers h(flaky, limits, log);
    const WebAnswer a = h.handle(WebRequest{"POST", url("news", newsToken), kForm,
                                            RequestBody{RequestBody::Status::Complete, "List-Unsubscribe=One-Click"},
                                            "192.0.2.7"});
    EXPECT_EQ(a.status, 503);
    EXPECT_TRUE(directory.member(4711).active);
}

TEST_F(WebHandlersTest, RateLimitIs429WithRetryAfterBeforeAnyLookup)
{
    TokenBuckets two(2);
    WebHandlers limited(directory, two, log);
    auto ask = [&](const std::string& client) {
        return limited.handle(WebRequest{"GET", url("news", newsToken), "", {}, client});
    };
    EXPECT_EQ(ask("192.0.2.7").status, 200);
    EXPECT_EQ(ask("192.0.2.7").status, 200);
    const int lookupsBefore = directory.lookups;
    const WebAnswer refused = ask("192.0.2.7");
    EXPECT_EQ(refused.status, 429);
    EXPECT_EQ(refused.header("Retry-After"), "30");
    EXPECT_EQ(directory.lookups, lookupsBefore);
    EXPECT_EQ(ask("192.0.2.8").status, 200) << "another client has its own bucket";
    EXPECT_EQ(ask("2001:db8::1").status, 200);
    EXPECT_EQ(ask("2001:db8::2").status, 200);
    EXPECT_EQ(ask("2001:db8::3").status, 429) << "an IPv6 /64 is one client";
    // /health is not limited.
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(limited.handle(WebRequest{"GET", "/health", "", {}, "192.0.2.7"}).status, 200);
    EXPECT_EQ(lines->matching({"status=429", "reason=rate-limited", "client=192.0.2.7"}).size(), 1u);
}

TEST_F(WebHandlersTest, Health)
{
    const WebAnswer up = get("/health");
    EXPECT_EQ(up.status, 200);
    EXPECT_EQ(up.contentType, kJsonType);
    EXPECT_EQ(up.body, R"({"status":"ok","database":"ok"})");
    directory.down = true;
    const WebAnswer down = get("/health");
    EXPECT_EQ(down.status, 503);
    EXPECT_EQ(down.body, R"({"status":"unavailable","database":"unavailable"})");
    EXPECT_FALSE(down.header("Retry-After").empty());
}

TEST_F(WebHandlersTest, UnknownPathsAndMethods)
{
    const WebAnswer missing = get("/wp-login.php");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.body, R"({"error":"not found","status":404})");
    const struct
    {
        const char* method;
        std::string target;
        const char* allow;
    } rows[] = {
        {"PUT", url("news", newsToken), "GET, HEAD, POST"},
        {"DELETE", url("news", newsToken), "GET, HEAD, POST"},
        {"OPTIONS", url("news", newsToken), "GET, HEAD, POST"},
        {"POST", "/health", "GET, HEAD"},
    };
    for (const auto& row : rows) {
        const WebAnswer a = handlers.handle(WebRequest{row.method, row.target, kForm, {}, "192.0.2.7"});
        EXPECT_EQ(a.status, 405) << row.method << " " << row.target;
        EXPECT_EQ(a.header("Allow"), row.allow);
        EXPECT_EQ(a.body, R"({"error":"method not allowed","status":405})");
    }
    EXPECT_TRUE(directory.calls.empty());
}

TEST_F(WebHandlersTest, AFailureOfOurOwnIs500AndNeverEscapes)
{
    struct Broken : MembershipDirectory
    {
        std::optional<Membership> byToken(std::string_view) override { throw std::logic_error("bug"); }
        OptOut unsubscribe(std::uint64_t, const std::string&, const std::string&) override
        {
            return OptOut::Unsubscribed;
        }
        void ping() override {}
    } broken;
    WebHandlers h(broken, limits, log);
    const WebAnswer a = h.handle(WebRequest{"GET", url("news", newsToken), "", {}, "192.0.2.7"});
    EXPECT_EQ(a.status, 500);
    EXPECT_EQ(a.body, R"({"error":"internal error","status":500})");
    EXPECT_EQ(lines->matching({"status=500", "bug"}).size(), 1u);
}

TEST_F(WebHandlersTest, UntrustedTextIsLoggedPrintable)
{
    get("/unsubscribe/ne\x1b[31mws\r\nfake=1/" + newsToken);
    for (const std::string& line : lines->lines())
        for (const char c : line)
            EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "a control character in: " << line;
}

} // namespace
} // namespace verpmail::web
