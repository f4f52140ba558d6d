// POST /webhooks/sns over the wire: its own body bound (web.sns.maxBodyBytes, not
// web.maxBodyBytes) and the x-amz-sns-message-type header reach the webhook.
#include "WebServer.h"

#include "SnsTestKit.h"
#include "WebTestFakes.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace verpmail::web {
namespace {

using namespace testing;

class SnsServerTest : public ::testing::Test
{
protected:
    SnsServerTest()
        : log(keptLogger(lines)), certificates(fetcher), webhook(settings().sns, certificates, fetcher, ledger, log),
          handlers(directory, limits, log, &webhook)
    {
        const Cert ca = makeCert({"Test SNS CA", true}, caKey(), nullptr, caKey());
        fetcher.bodies[kCertUrl] = pemOf(makeCert({"sns.us-east-1.amazonaws.com"}, signingKey(), ca, caKey()));
        ledger.tracker["jane@example.org"] = "tok-jane";
        server = std::make_unique<WebServer>(settings(), nullptr, handlers, log);
        server->start();
    }

    static WebSettings settings()
    {
        WebSettings s;
        s.listen = "127.0.0.1:0";
        s.threads = 2;
        s.timeoutSeconds = 5;
        s.maxBodyBytes = 1024;
        s.sns.topicArns = {kTopic};
        s.sns.maxBodyBytes = 8192;
        return s;
    }

    /// The status of a POST to /webhooks/sns.
    int post(const std::string& body, const std::string& type)
    {
        Poco::Net::HTTPClientSession session("127.0.0.1", server->port());
        session.setTimeout(Poco::Timespan(10, 0));
        Poco::Net::HTTPRequest request("POST", "/webhooks/sns", Poco::Net::HTTPRequest::HTTP_1_1);
        request.setContentType("text/plain; charset=UTF-8");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        request.set("x-amz-sns-message-type", type);
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::string answer;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
        return response.getStatus();
    }

    Poco::AutoPtr<KeptLines> lines;
    Poco::Logger& log;
    FakeFetcher fetcher;
    FakeLedger ledger;
    SigningCertificates certificates;
    SnsWebhook webhook;
    FakeDirectory directory;
    TokenBuckets limits{1000};
    WebHandlers handlers;
    std::unique_ptr<WebServer> server;
};

TEST_F(SnsServerTest, TheWebhookHasItsOwnBodyBoundAndSeesTheTypeHeader)
{
    const std::string body = bodyOf(sign(notification(sesBounce())));
    ASSERT_GT(body.size(), 1024u) << "larger than web.maxBodyBytes";
    ASSERT_LT(body.size(), 8192u);
    EXPECT_EQ(post(body, "SubscriptionConfirmation"), 403) << "the header reached the webhook";
    EXPECT_TRUE(ledger.recorded.empty());
    EXPECT_EQ(post(body, "Notification"), 200);
    EXPECT_EQ(ledger.recorded.size(), 2u);
    EXPECT_EQ(post(body + std::string(8192, ' '), "Notification"), 413);
}

} // namespace
} // namespace verpmail::web
