// The web console's files: routes, types, caching, the strict headers on every
// console answer, and that nothing but the embedded files can be reached.
#include "ConsoleAssets.h"
#include "WebHandlers.h"
#include "WebRoutes.h"
#include "WebServer.h"

#include "WebTestFakes.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <string>

namespace verpmail::web {
namespace {

using testing::FakeDirectory;
using testing::KeptLines;

constexpr const char* kConsoleCsp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

class ConsoleAssetsTest : public ::testing::Test
{
protected:
    ConsoleAssetsTest() : log(testing::keptLogger(lines)), handlers(directory, limits, log) {}

    WebAnswer ask(const std::string& method, const std::string& target, const std::string& ifNoneMatch = "")
    {
        WebRequest request{method, target, "", RequestBody{}, "192.0.2.7"};
        request.ifNoneMatch = ifNoneMatch;
        return handlers.handle(request);
    }

    static void expectStrictHeaders(const WebAnswer& a, const std::string& what)
    {
        EXPECT_EQ(a.header("Content-Security-Policy"), kConsoleCsp) << what;
        EXPECT_EQ(a.header("X-Content-Type-Options"), "nosniff") << what;
        EXPECT_EQ(a.header("Referrer-Policy"), "no-referrer") << what;
        EXPECT_EQ(a.header("X-Frame-Options"), "DENY") << what;
    }

    FakeDirectory directory;
    TokenBuckets limits{1000};
    Poco::AutoPtr<KeptLines> lines;
    Poco::Logger& log;
    WebHandlers handlers;
};

TEST(ConsoleRoutes, OneSegmentUnderConsoleIsAnAssetName)
{
    EXPECT_EQ(routeOf("/console").kind, Route::Kind::ConsoleRedirect);
    EXPECT_EQ(routeOf("/console?x").kind, Route::Kind::ConsoleRedirect);
    EXPECT_EQ(routeOf("/console/").asset, "index.html");
    EXPECT_EQ(routeOf("/console/#/lists").asset, "index.html");
    EXPECT_EQ(routeOf("/console/console.js").asset, "console.js");
    EXPECT_EQ(routeOf("/console/%2e%2e").asset, "..");  // a name like any other: not embedded, so 404
    EXPECT_EQ(routeOf("/console/a%2Fb").asset, "a/b");
    for (const char* target : {"/console//", "/console/a/b", "/console/../x", "/console/x%00", "/console/x/"})
        EXPECT_EQ(routeOf(target).kind, Route::Kind::Unknown) << target;
    EXPECT_STREQ(allowedMethods(Route::Kind::Console), "GET, HEAD");
    EXPECT_TRUE(methodAllowed(Route::Kind::Console, "HEAD"));
    EXPECT_FALSE(methodAllowed(Route::Kind::Console, "POST"));
    EXPECT_FALSE(methodAllowed(Route::Kind::ConsoleRedirect, "POST"));
}

TEST_F(ConsoleAssetsTest, EveryEmbeddedFileIsServedWithItsTypeAndHeaders)
{
    ASSERT_NE(consoleFile("index.html"), nullptr);
    ASSERT_NE(consoleFile("console.js"), nullptr);
    ASSERT_NE(consoleFile("console.css"), nullptr);
    for (const EmbeddedFile& file : embeddedConsoleFiles()) {
        const std::string name = file.name;
        ASSERT_STRNE(consoleContentType(name), "") << name << ": a file the console cannot serve";
        const WebAnswer a = ask("GET", "/console/" + name);
        EXPECT_EQ(a.status, 200) << name;
        EXPECT_EQ(a.contentType, consoleContentType(name)) << name;
        EXPECT_EQ(a.body, file.body) << name;
        EXPECT_EQ(a.header("Cache-Control"), "no-cache") << name;
        EXPECT_EQ(a.header("ETag"), file.etag) << name;
        EXPECT_EQ(a.header("ETag").front(), '"') << name;
        expectStrictHeaders(a, name);
    }
    EXPECT_STREQ(consoleContentType("index.html"), "text/html; charset=utf-8");
    EXPECT_STREQ(consoleContentType("console.css"), "text/css; charset=utf-8");
    EXPECT_STREQ(consoleContentType("console.js"), "text/javascript; charset=utf-8");
    EXPECT_STREQ(consoleContentType("console.txt"), "");
}

TEST_F(ConsoleAssetsTest, TheRootIsTheIndexAndTheBareNameRedirects)
{
    const WebAnswer index = ask("GET", "/console/");
    EXPECT_EQ(index.status, 200);
    EXPECT_EQ(index.body, consoleFile("index.html")->body);
    EXPECT_EQ(ask("GET", "/console/?x=1").body, index.body);
    const WebAnswer head = ask("HEAD", "/console/");
    EXPECT_EQ(head.status, 200);
    expectStrictHeaders(head, "HEAD /console/");

    const WebAnswer redirect = ask("GET", "/console");
    EXPECT_EQ(redirect.status, 301);
    EXPECT_EQ(redirect.header("Location"), "/console/");
    expectStrictHeaders(redirect, "GET /console");
}

TEST_F(ConsoleAssetsTest, TheIndexLoadsNothingInlineAndNothingFromElsewhere)
{
    const std::string html(consoleFile("index.html")->body);
    EXPECT_EQ(html.find("<style"), std::string::npos);
    EXPECT_EQ(html.find("style="), std::string::npos);
    EXPECT_EQ(html.find("<script>"), std::string::npos) << "every script has a src";
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("//"), std::string::npos) << "no protocol-relative URL";
    for (const EmbeddedFile& file : embeddedConsoleFiles())
        EXPECT_EQ(std::string(file.body).find("innerHTML"), std::string::npos) << file.name << ": markup from strings";
}

TEST_F(ConsoleAssetsTest, AnUnchangedFileIs304)
{
    const std::string etag = consoleFile("console.js")->etag;
    const WebAnswer same = ask("GET", "/console/console.js", etag);
    EXPECT_EQ(same.status, 304);
    EXPECT_TRUE(same.body.empty());
    EXPECT_EQ(same.header("ETag"), etag);
    expectStrictHeaders(same, "304");
    EXPECT_EQ(ask("GET", "/console/console.js", "W/" + etag).status, 304);
    EXPECT_EQ(ask("GET", "/console/console.js", "\"other\", " + etag).status, 304);
    EXPECT_EQ(ask("GET", "/console/console.js", "\"other\"").status, 200);
}

TEST_F(ConsoleAssetsTest, UnknownNamesAndPathTricksAre404)
{
    for (const char* target : {"/console/nope.js", "/console/../etc/passwd", "/console/..", "/console/%2e%2e",
                               "/console/..%2Fsql%2F001_initial.sql", "/console/%2Fetc%2Fpasswd",
                               "/console/index.html%00", "/console//index.html", "/console/x/index.html",
                               "/console/INDEX.HTML", "/console/.", "/consolex", "/console/index.html/"}) {
        const WebAnswer a = ask("GET", target);
        EXPECT_EQ(a.status, 404) << target;
        EXPECT_EQ(a.body, R"({"error":"not found","status":404})") << target;
    }
    expectStrictHeaders(ask("GET", "/console/nope.js"), "404");
}

TEST_F(ConsoleAssetsTest, OnlyGetAndHead)
{
    for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
        for (const char* target : {"/console/", "/console/console.js", "/console"}) {
            const WebAnswer a = ask(method, target);
            EXPECT_EQ(a.status, 405) << method << " " << target;
            EXPECT_EQ(a.header("Allow"), "GET, HEAD") << method << " " << target;
            expectStrictHeaders(a, std::string(method) + " " + target);
        }
    }
}

TEST_F(ConsoleAssetsTest, OverTheWireTheConsoleHeadersReplaceThePagesOnes)
{
    WebSettings settings;
    settings.listen = "127.0.0.1:0";
    settings.threads = 2;
    settings.queue = 4;
    settings.timeoutSeconds = 5;
    WebServer server(settings, nullptr, handlers, log);
    server.start();
    Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
    session.setTimeout(Poco::Timespan(10, 0));
    auto fetch = [&](const std::string& target, const std::string& ifNoneMatch, std::string& body) {
        Poco::Net::HTTPRequest request("GET", target, Poco::Net::HTTPRequest::HTTP_1_1);
        if (!ifNoneMatch.empty())
            request.set("If-None-Match", ifNoneMatch);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        body.clear();
        Poco::StreamCopier::copyToString(in, body);
        return response;
    };
    std::string body;
    const Poco::Net::HTTPResponse css = fetch("/console/console.css", "", body);
    EXPECT_EQ(css.getStatus(), 200);
    EXPECT_EQ(css.getContentType(), "text/css; charset=utf-8");
    EXPECT_EQ(body, consoleFile("console.css")->body);
    EXPECT_EQ(css.get("Content-Security-Policy", ""), kConsoleCsp);
    EXPECT_EQ(css.get("Cache-Control", ""), "no-cache");
    EXPECT_EQ(css.get("X-Frame-Options", ""), "DENY");
    const Poco::Net::HTTPResponse again = fetch("/console/console.css", css.get("ETag", ""), body);
    EXPECT_EQ(again.getStatus(), 304);
    EXPECT_TRUE(body.empty());
    server.stop();
}

} // namespace
} // namespace verpmail::web
