// WebServer: the real Poco HTTP server on a loopback port, with the in-memory
// directory: routing and answers over the wire, body and time limits, the client
// behind a trusted proxy, and a stop that lets the request in hand finish.
#include "WebServer.h"

#include "WebTestFakes.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <sstream>
#include <thread>

namespace verpmail::web {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::StreamSocket;
using testing::FakeDirectory;
using testing::KeptLines;
using Clock = std::chrono::steady_clock;

constexpr const char* kForm = "application/x-www-form-urlencoded";

struct Reply
{
    int status = 0;
    std::string body;
    HTTPResponse response;
};

WebSettings loopbackSettings()
{
    WebSettings s;
    s.listen = "127.0.0.1:0";
    s.threads = 4;
    s.queue = 8;
    s.timeoutSeconds = 1;
    s.maxBodyBytes = 1024;
    s.rateLimitPerMinute = 1000;
    return s;
}

class WebServerTest : public ::testing::Test
{
protected:
    WebServerTest() : log(testing::keptLogger(lines)), handlers(directory, limits, log)
    {
        token = directory.add(4711, 3, "news", "jane@example.org");
    }

    void start(WebSettings settings = loopbackSettings())
    {
        server = std::make_unique<WebServer>(settings, nullptr, handlers, log);
        server->start();
    }

    Reply request(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& type = kForm,
                  std::initializer_list<std::pair<std::string, std::string>> headers = {})
    {
        Poco::Net::HTTPClientSession session("127.0.0.1", server->port());
        session.setTimeout(Poco::Timespan(10, 0));
        HTTPRequest req(method, target, HTTPRequest::HTTP_1_1);
        for (const auto& [name, value] : headers)
            req.set(name, value);
        if (!body.empty() || method == "POST") {
            req.setContentType(type);
            req.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session.sendRequest(req) << body;
        Reply reply;
        std::istream& in = session.receiveResponse(reply.response);
        Poco::StreamCopier::copyToString(in, reply.body);
        reply.status = reply.response.getStatus();
        return reply;
    }

    std::string url() const { return "/unsubscribe/news/" + token; }

    FakeDirectory directory;
    TokenBuckets limits{1000};
    Poco::AutoPtr<KeptLines> lines;
    Poco::Logger& log;
    WebHandlers handlers;
    std::unique_ptr<WebServer> server;
    std::string token;
};

/// Sends raw bytes on a new connection and returns everything read until the server
/// closes it (or 10 s pass).
std::string exchange(unsigned short port, const std::string& bytes)
{
    StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string got;
    char buffer[4096];
    try {
        for (int n; (n = socket.receiveBytes(buffer, sizeof buffer)) > 0;)
            got.append(buffer, static_cast<std::size_t>(n));
    } catch (const Poco::Exception&) {
        // A reset after the answer: what was read is the answer.
    }
    return got;
}

TEST_F(WebServerTest, PageOneClickHealthAndErrorsOverTheWire)
{
    start();
    EXPECT_EQ(server->url(), "http://127.0.0.1:" + std::to_string(server->port()));

    const Reply page = request("GET", url());
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.response.getContentType(), kHtmlType);
    EXPECT_NE(page.body.find("j***@example.org"), std::string::npos);
    EXPECT_EQ(page.response.get("Cache-Control", ""), "no-store");
    EXPECT_EQ(page.response.get("Referrer-Policy", ""), "no-referrer");
    EXPECT_NE(page.response.get("Content-Security-Policy", "").find("default-src 'none'"), std::string::npos);
    EXPECT_FALSE(page.response.has("Server"));
    EXPECT_TRUE(directory.member(4711).active);

    const Reply head = request("HEAD", url());
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(head.response.getContentLength(), static_cast<std::streamsize>(page.body.size()));

    const Reply done = request("POST", url(), "List-Unsubscribe=One-Click");
    EXPECT_EQ(done.status, 200);
    EXPECT_NE(done.body.find("now unsubscribed"), std::string::npos);
    EXPECT_FALSE(directory.member(4711).active);
    ASSERT_EQ(directory.callsSeen().size(), 1u);
    EXPECT_EQ(directory.callsSeen()[0].actor, "web 127.0.0.1");

    const Reply health = request("GET", "/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, R"({"status":"ok","database":"ok"})");
    EXPECT_EQ(health.response.getContentType(), kJsonType);

    const Reply missing = request("GET", "/nothing/here");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.body, R"({"error":"not found","status":404})");

    const Reply wrong = request("PUT", url(), "x");
    EXPECT_EQ(wrong.status, 405);
    EXPECT_EQ(wrong.response.get("Allow", ""), "GET, HEAD, POST");

    const Reply forged = request("POST", "/unsubscribe/news/4711-aaaaaaaaaaaaaaaaaaaaaaaaaa", "List-Unsubscribe=One-Click");
    EXPECT_EQ(forged.status, 404);
    EXPECT_EQ(directory.callsSeen().size(), 1u);

    {
        const std::lock_guard<std::mutex> lock(directory.mutex);
        directory.down = true;
    }
    const Reply down = request("POST", url(), "List-Unsubscribe=One-Click");
    EXPECT_EQ(down.status, 503);
    EXPECT_EQ(down.response.get("Retry-After", ""), "30");
    EXPECT_EQ(request("GET", "/health").status, 503);
}

TEST_F(WebServerTest, BodiesBeyondTheBoundAre413WhateverTheirFraming)
{
    start();
    // Declared too large: refused before a byte of it is read, and the connection closed.
    const std::string declared = exchange(server->port(), "POST " + url() +
                                                              " HTTP/1.1\r\nHost: x\r\nContent-Type: " + kForm +
                                                              "\r\nContent-Length: 5000\r\n\r\nList-Unsubscribe");
    EXPECT_EQ(declared.rfind("HTTP/1.1 413", 0), 0u) << declared;
    EXPECT_NE(Poco::toLower(declared).find("connection: close"), std::string::npos) << declared;

    // Chunked, no length given: read until one byte beyond the bound.
    std::string chunked = "POST " + url() + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + kForm +
                          "\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i)
        chunked += "190\r\n" + std::string(400, 'a') + "\r\n";
    chunked += "0\r\n\r\n";
    const std::string big = exchange(server->port(), chunked);
    EXPECT_EQ(big.rfind("HTTP/1.1 413", 0), 0u) << big;

    const std::string small = exchange(server->port(), "POST " + url() + " HTTP/1.1\r\nHost: x\r\nContent-Type: " +
                                                           kForm + "\r\nTransfer-Encoding: chunked\r\n"
                                                                   "Connection: close\r\n\r\n"
                                                                   "1a\r\nList-Unsubscribe=One-Click\r\n0\r\n\r\n");
    EXPECT_EQ(small.rfind("HTTP/1.1 200", 0), 0u) << small;
    EXPECT_FALSE(directory.member(4711).active);
}

TEST_F(WebServerTest, AnUnframedPostHasNoBodyAndTheConnectionGoesOn)
{
    start();
    // Neither Content-Length nor chunked: the body is empty (RFC 9112 6.3), so the
    // next request on the connection is read as a request, not as this one's body.
    const std::string both =
        exchange(server->port(), "POST " + url() + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + kForm +
                                     "\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(both.rfind("HTTP/1.1 400", 0), 0u) << both;
    EXPECT_NE(both.find("HTTP/1.1 200", 1), std::string::npos) << both;
    EXPECT_TRUE(directory.member(4711).active);
}

TEST_F(WebServerTest, MalformedRequestsAreRefusedByTheHttpLayer)
{
    start();
    const std::string nonsense = exchange(server->port(), "NONSENSE\r\n\r\n");
    EXPECT_EQ(nonsense.rfind("HTTP/1.1 400", 0), 0u) << nonsense;
    std::string manyFields = "GET /health HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 150; ++i)
        manyFields += "X-F" + std::to_string(i) + ": 1\r\n";
    const std::string tooMany = exchange(server->port(), manyFields + "\r\n");
    EXPECT_EQ(tooMany.find("HTTP/1.1 200"), std::string::npos) << "a header of 150 fields is not served";
    const std::string longValue = "GET /health HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(10000, 'v') + "\r\n\r\n";
    EXPECT_EQ(exchange(server->port(), longValue).find("HTTP/1.1 200"), std::string::npos);
    EXPECT_EQ(request("GET", "/health").status, 200) << "and the server goes on";
}

TEST_F(WebServerTest, AClientSendingSlowlyIsCutAtTheDeadline)
{
    start();  // web.timeout 1 s
    StreamSocket slow(Poco::Net::SocketAddress("127.0.0.1", server->port()));
    const std::string header = "GET /health HTTP/1.1\r\nHost: x\r\nX-Drip: " + std::string(200, 'd');
    const Clock::time_point began = Clock::now();
    bool closed = false;
    // One byte every 100 ms: each read is far inside the 1 s, the whole never ends.
    for (std::size_t i = 0; i < header.size() && Clock::now() - began < std::chrono::seconds(8); ++i) {
        try {
            slow.sendBytes(&header[i], 1);
            if (slow.poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ)) {
                char buffer[512];
                if (slow.receiveBytes(buffer, sizeof buffer) <= 0) {
                    closed = true;
                    break;
                }
            }
        } catch (const Poco::Exception&) {
            closed = true;
            break;
        }
    }
    const auto took = Clock::now() - began;
    EXPECT_TRUE(closed) << "the connection outlived its deadline";
    EXPECT_GE(took, std::chrono::milliseconds(900));
    EXPECT_LT(took, std::chrono::seconds(4));
    EXPECT_EQ(server->timedOut(), 1u);
    EXPECT_EQ(request("GET", "/health").status, 200) << "others are served";
}

TEST_F(WebServerTest, KeptAliveConnectionsServeSeveralRequests)
{
    start();
    Poco::Net::HTTPClientSession session("127.0.0.1", server->port());
    session.setKeepAlive(true);
    for (int i = 0; i < 3; ++i) {
        HTTPRequest req("GET", "/health", HTTPRequest::HTTP_1_1);
        req.setKeepAlive(true);
        session.sendRequest(req);
        HTTPResponse response;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
        EXPECT_EQ(response.getStatus(), 200);
        EXPECT_TRUE(response.getKeepAlive());
        // Each answer rearms the deadline: the 1 s is per request, not per connection.
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
    }
    EXPECT_EQ(server->timedOut(), 0u);
}

TEST_F(WebServerTest, ClientBehindATrustedProxyIsTheForwardedOne)
{
    WebSettings settings = loopbackSettings();
    std::string problem;
    settings.trustedProxies = *TrustedProxies::parse("127.0.0.1", problem);
    start(settings);
    EXPECT_EQ(request("POST", url(), "List-Unsubscribe=One-Click", kForm,
                      {{"X-Forwarded-For", "10.9.9.9, 203.0.113.9"}})
                  .status,
              200);
    ASSERT_EQ(directory.callsSeen().size(), 1u);
    EXPECT_EQ(directory.callsSeen()[0].actor, "web 203.0.113.9");
    EXPECT_EQ(lines->matching({"status=unsubscribed", "client=203.0.113.9"}).size(), 1u);
}

TEST_F(WebServerTest, ForwardedForFromAnUntrustedPeerIsIgnored)
{
    start();
    EXPECT_EQ(request("POST", url(), "List-Unsubscribe=One-Click", kForm, {{"X-Forwarded-For", "203.0.113.9"}}).status,
              200);
    ASSERT_EQ(directory.callsSeen().size(), 1u);
    EXPECT_EQ(directory.callsSeen()[0].actor, "web 127.0.0.1");
}

TEST_F(WebServerTest, RateLimitOverTheWire)
{
    TokenBuckets two(2);
    WebHandlers limited(directory, two, log);
    server = std::make_unique<WebServer>(loopbackSettings(), nullptr, limited, log);
    server->start();
    EXPECT_EQ(request("GET", url()).status, 200);
    EXPECT_EQ(request("GET", url()).status, 200);
    const Reply refused = request("GET", url());
    EXPECT_EQ(refused.status, 429);
    EXPECT_EQ(refused.response.get("Retry-After", ""), "30");
    server->stop();
}

TEST_F(WebServerTest, StopAnswersTheRequestInHandThenEnds)
{
    start();
    directory.hold(true);
    auto inHand = std::async(std::launch::async, [&] { return request("POST", url(), "List-Unsubscribe=One-Click"); });
    ASSERT_TRUE(directory.waitForOptOuts(1, std::chrono::seconds(5)));

    std::atomic<bool> stopped{false};
    std::thread stopper([&] {
        server->stop();
        stopped = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(stopped) << "stop waits for the request in hand";
    EXPECT_THROW(StreamSocket(Poco::Net::SocketAddress("127.0.0.1", server->port())), Poco::Net::NetException)
        << "no new connection is accepted";
    directory.hold(false);
    const Reply reply = inHand.get();
    stopper.join();
    EXPECT_TRUE(stopped);
    EXPECT_EQ(reply.status, 200);
    EXPECT_FALSE(directory.member(4711).active);
}

TEST_F(WebServerTest, StopEndsIdleKeptAliveConnectionsAtOnce)
{
    WebSettings settings = loopbackSettings();
    settings.timeoutSeconds = 30;
    start(settings);
    Poco::Net::HTTPClientSession idle("127.0.0.1", server->port());
    idle.setKeepAlive(true);
    HTTPRequest req("GET", "/health", HTTPRequest::HTTP_1_1);
    req.setKeepAlive(true);
    idle.sendRequest(req);
    HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(idle.receiveResponse(response), body);
    ASSERT_EQ(response.getStatus(), 200);
    const Clock::time_point began = Clock::now();
    server->stop();
    EXPECT_LT(Clock::now() - began, std::chrono::seconds(5)) << "an idle connection does not hold the stop";
}

TEST_F(WebServerTest, AnAddressInUseIsAListenError)
{
    start();
    WebSettings taken = loopbackSettings();
    taken.listen = "127.0.0.1:" + std::to_string(server->port());
    try {
        WebServer second(taken, nullptr, handlers, log);
        ADD_FAILURE() << "bound a port in use";
    } catch (const ListenError& e) {
        EXPECT_NE(std::string(e.what()).find(taken.listen), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace verpmail::web
