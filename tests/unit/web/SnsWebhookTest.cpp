// SnsWebhook: every answer of POST /webhooks/sns, through WebHandlers, with a
// fetcher and a ledger in memory: what is recorded, confirmed, refused, and logged.
#include "SnsWebhook.h"
#include "WebHandlers.h"

#include "SnsTestKit.h"
#include "WebTestFakes.h"

#include "SesEvent.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail::web {
namespace {

using namespace testing;

constexpr const char* kOtherTopic = "arn:aws:sns:us-east-1:123456789012:someone-elses";

SnsSettings snsSettings()
{
    SnsSettings s;
    s.topicArns = {"arn:aws:sns:eu-west-1:123456789012:other-returns", kTopic};
    return s;
}

class SnsWebhookTest : public ::testing::Test
{
protected:
    SnsWebhookTest()
        : log(keptLogger(lines)), certificates(fetcher), webhook(snsSettings(), certificates, fetcher, ledger, log),
          handlers(directory, limits, log, &webhook)
    {
        const Cert ca = makeCert({"Test SNS CA", true}, caKey(), nullptr, caKey());
        fetcher.bodies[kCertUrl] = pemOf(makeCert({"sns.us-east-1.amazonaws.com"}, signingKey(), ca, caKey()));
        fetcher.bodies[kExpiredUrl] =
            pemOf(makeCert({"sns.us-east-1.amazonaws.com", false, {}, -7200, -60}, signingKey(), ca, caKey()));
        fetcher.bodies[kSubscribeUrl] = "<ConfirmSubscriptionResponse/>";
        fetcher.bodies[kJunkUrl] = "not a certificate";
        ledger.tracker["jane@example.org"] = "tok-jane";
    }

    WebAnswer post(const std::string& body, const std::string& type = "")
    {
        return handlers.handle(WebRequest{"POST", "/webhooks/sns", "text/plain; charset=UTF-8",
                                          RequestBody{RequestBody::Status::Complete, body}, "192.0.2.9", type});
    }
    WebAnswer post(const SnsMessage& m) { return post(bodyOf(m), m.typeName); }

    std::size_t logged(std::initializer_list<std::string> parts) const { return lines->matching(parts).size(); }

    static constexpr const char* kExpiredUrl = "https://sns.us-east-1.amazonaws.com/expired.pem";
    static constexpr const char* kJunkUrl = "https://sns.us-east-1.amazonaws.com/junk.pem";

    Poco::AutoPtr<KeptLines> lines;
    Poco::Logger& log;
    FakeFetcher fetcher;
    FakeLedger ledger;
    SigningCertificates certificates;
    SnsWebhook webhook;
    FakeDirectory directory;
    TokenBuckets limits{1000};
    WebHandlers handlers;
};

TEST_F(SnsWebhookTest, RecordsABounceOncePerRecipient)
{
    const SnsMessage m = sign(notification(sesBounce("fb-1")));
    const WebAnswer a = post(m);
    EXPECT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(a.contentType, kJsonType);
    EXPECT_EQ(a.body, R"({"status":"ok","recorded":2,"duplicate":0})");
    ASSERT_EQ(ledger.recorded.size(), 2u);

    const ReturnEntry& jane = ledger.recorded[0];
    EXPECT_EQ(jane.email, std::optional<std::string>("jane@example.org")) << "normalised, and tracked";
    EXPECT_EQ(jane.encodedFrom, "tok-jane");
    EXPECT_EQ(jane.kind, ReturnKind::Bounce);
    EXPECT_EQ(jane.result.bounceClass, BounceClass::Hard);
    EXPECT_EQ(jane.result.reason, "userunknown");
    EXPECT_EQ(jane.result.status, "5.1.1");
    EXPECT_EQ(jane.campaign, "news-2026-12");
    EXPECT_EQ(jane.envelopeRecipient, kTopic);
    EXPECT_EQ(jane.rawMessage, m.message);
    EXPECT_EQ(jane.dedupKey, ReturnRecorder::dedupKey("fb-1", "ses-feedback-id", 0));

    const ReturnEntry& stranger = ledger.recorded[1];
    EXPECT_FALSE(stranger.email) << "no tracker row: unattributed";
    EXPECT_EQ(stranger.result.address, "stranger@example.net");
    EXPECT_EQ(stranger.dedupKey, ReturnRecorder::dedupKey("fb-1", "ses-feedback-id", 1));

    EXPECT_EQ(logged({"web: action=sns type=Notification topic=arn:aws:sns:us-east-1:123456789012:ses-returns",
                      "message_id=22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324 kind=bounce recorded=2 duplicate=0",
                      "unattributed=1", "client=192.0.2.9"}),
              1u);
    EXPECT_EQ(logged({"action=sns-return", "member=<jane@example.org> kind=bounce class=hard reason=userunknown",
                      "dsn=5.1.1 campaign=news-2026-12 status=recorded"}),
              1u);
    EXPECT_EQ(logged({"action=sns-return", "member=<>", "class=unattributed", "status=unattributed"}), 1u);

    // SNS delivers it again (it had not seen the 200): recorded once.
    const WebAnswer again = post(m);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body, R"({"status":"ok","recorded":0,"duplicate":2})");
    EXPECT_EQ(ledger.recorded.size(), 2u);
    EXPECT_EQ(logged({"kind=bounce recorded=0 duplicate=2"}), 1u);
    EXPECT_EQ(fetcher.callsTo(kCertUrl), 1u) << "the certificate was kept";
}

TEST_F(SnsWebhookTest, RecordsAComplaintWithTheCampaignTag)
{
    SnsMessage m = notification(sesComplaint("fb-2"));
    m.signatureVersion = "1";
    m.subject.reset();
    const WebAnswer a = post(sign(m));
    EXPECT_EQ(a.status, 200) << a.body;
    ASSERT_EQ(ledger.recorded.size(), 1u);
    EXPECT_EQ(ledger.recorded[0].email, std::optional<std::string>("jane@example.org"));
    EXPECT_EQ(ledger.recorded[0].kind, ReturnKind::Complaint);
    EXPECT_EQ(ledger.recorded[0].result.bounceClass, BounceClass::Complaint);
    EXPECT_EQ(ledger.recorded[0].campaign, "news-2026-11");
    EXPECT_EQ(logged({"kind=complaint recorded=1 duplicate=0"}), 1u);
}

TEST_F(SnsWebhookTest, DeliveriesAndOtherMessagesAreAcknowledgedNotRecorded)
{
    for (const std::string& message :
         {sesDelivery(), std::string("Successfully validated SNS topic for Amazon SES event publishing.")}) {
        SCOPED_TRACE(message);
        const WebAnswer a = post(sign(notification(message)));
        EXPECT_EQ(a.status, 200) << a.body;
    }
    EXPECT_TRUE(ledger.recorded.empty());
    EXPECT_EQ(ledger.lookups, 0);
    EXPECT_EQ(logged({"action=sns type=Notification", "kind=delivery recorded=0 duplicate=0"}), 1u);
    EXPECT_EQ(logged({"action=sns type=Notification", "kind=none recorded=0 duplicate=0"}), 1u);
}

TEST_F(SnsWebhookTest, ConfirmsASubscriptionByFetchingItsUrl)
{
    const WebAnswer a = post(sign(confirmation()));
    EXPECT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(fetcher.callsTo(kSubscribeUrl), 1u);
    EXPECT_EQ(logged({"web: action=sns-subscribe topic=arn:aws:sns:us-east-1:123456789012:ses-returns",
                      "status=confirmed"}),
              1u);
    EXPECT_TRUE(ledger.recorded.empty());

    // SNS did not answer: 5xx, so that SNS sends the confirmation again.
    fetcher.bodies.erase(kSubscribeUrl);
    const WebAnswer failed = post(sign(confirmation()));
    EXPECT_EQ(failed.status, 502);
    EXPECT_EQ(fetcher.callsTo(kSubscribeUrl), 2u);
    EXPECT_EQ(logged({"action=sns status=502 reason=confirm-failed", "HTTP status 404"}), 1u);

    // A signed message whose SubscribeURL is not Amazon's is never followed.
    SnsMessage elsewhere = confirmation();
    elsewhere.subscribeUrl = "https://evil.example/?Action=ConfirmSubscription";
    const WebAnswer refused = post(sign(elsewhere));
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(fetcher.callsTo("https://evil.example/?Action=ConfirmSubscription"), 0u);
    EXPECT_EQ(logged({"action=sns status=403 reason=bad-subscribe-url"}), 1u);
}

TEST_F(SnsWebhookTest, AnUnsubscribeConfirmationChangesNothing)
{
    const WebAnswer a = post(sign(confirmation(SnsMessage::Type::UnsubscribeConfirmation)));
    EXPECT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(fetcher.callsTo(kSubscribeUrl), 0u) << "not subscribed again";
    EXPECT_TRUE(ledger.recorded.empty());
    EXPECT_EQ(logged({"action=sns-unsubscribe", "status=ignored"}), 1u);
}

TEST_F(SnsWebhookTest, EveryFailedCheckIsRefusedAndStoresNothing)
{
    const SnsMessage good = sign(notification(sesBounce()));
    const auto changed = [&](void (*change)(SnsMessage&), bool resign = true) {
        SnsMessage m = notification(sesBounce());
        change(m);
        return resign ? sign(m) : m;
    };
    std::string tampered = bodyOf(good);
    tampered.replace(tampered.find("Permanent"), 9, "Transient");
    const SnsMessage wrongKey = sign(notification(sesBounce()), otherKey());
    const struct
    {
        const char* name;
        std::string body;
        std::string header;
        int status;
        const char* reason;
        bool fetches;  ///< the certificate is needed (fetched, unless kept) before the refusal
    } rows[] = {
        {"not JSON", "{\"Type\":", "Notification", 400, "malformed-json", false},
        {"a JSON array", "[]", "", 400, "malformed-json", false},
        {"no MessageId", R"({"Type":"Notification","TopicArn":"x"})", "", 403, "invalid-message", false},
        {"unknown Type", R"({"Type":"Notice"})", "", 403, "invalid-message", false},
        {"header names another Type", bodyOf(good), "SubscriptionConfirmation", 403, "type-mismatch", false},
        {"topic not allowed", bodyOf(changed([](SnsMessage& m) { m.topicArn = kOtherTopic; })), "", 403,
         "topic-not-allowed", false},
        {"topic differs in case", bodyOf(changed([](SnsMessage& m) { m.topicArn = "ARN:aws:sns:us-east-1:123456789012:ses-returns"; })),
         "", 403, "topic-not-allowed", false},
        {"signature version 3", bodyOf(changed([](SnsMessage& m) { m.signatureVersion = "3"; }, false)), "", 403,
         "unsupported-signature-version", false},
        {"certificate over http",
         bodyOf(changed([](SnsMessage& m) { m.signingCertUrl = "http://sns.us-east-1.amazonaws.com/x.pem"; })), "",
         403, "bad-cert-url", false},
        {"certificate on another host", bodyOf(changed([](SnsMessage& m) { m.signingCertUrl = "https://evil.example/x.pem"; })),
         "", 403, "bad-cert-url", false},
        {"certificate behind userinfo",
         bodyOf(changed([](SnsMessage& m) { m.signingCertUrl = "https://sns.us-east-1.amazonaws.com@evil.example/x.pem"; })),
         "", 403, "bad-cert-url", false},
        {"certificate cannot be fetched",
         bodyOf(changed([](SnsMessage& m) { m.signingCertUrl = "https://sns.us-east-1.amazonaws.com/missing.pem"; })),
         "", 503, "cert-unavailable", true},
        {"certificate not PEM", bodyOf(changed([](SnsMessage& m) { m.signingCertUrl = kJunkUrl; })), "", 403,
         "cert-not-pem", true},
        {"certificate expired", bodyOf(changed([](SnsMessage& m) { m.signingCertUrl = kExpiredUrl; })), "", 403,
         "cert-not-valid-now", true},
        {"message altered", tampered, "Notification", 403, "bad-signature", true},
        {"signed with another key", bodyOf(wrongKey), "", 403, "bad-signature", true},
        {"signature not base64", bodyOf(changed([](SnsMessage& m) { m.signature = "***"; }, false)), "", 403,
         "malformed-signature", true},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        fetcher.calls.clear();
        const std::size_t before = lines->lines().size();
        const WebAnswer a = post(row.body, row.header);
        EXPECT_EQ(a.status, row.status) << a.body;
        EXPECT_EQ(a.contentType, kJsonType);
        EXPECT_NE(a.body.find("\"status\":" + std::to_string(row.status)), std::string::npos) << a.body;
        EXPECT_TRUE(ledger.recorded.empty());
        EXPECT_EQ(ledger.lookups, 0) << "no database work for a refused message";
        if (!row.fetches) {
            EXPECT_TRUE(fetcher.calls.empty()) << "refused before any fetch, not " << fetcher.calls.front();
        }
        if (row.status == 503) {
            EXPECT_EQ(a.header("Retry-After"), "30") << "a certificate not fetched is worth a retry";
        }
        if (std::string(row.reason) == "cert-unavailable" || std::string(row.reason) == "cert-not-pem") {
            EXPECT_FALSE(fetcher.calls.empty()) << "a certificate that failed is never kept";
        }
        const std::vector<std::string> now = lines->lines();
        ASSERT_EQ(now.size(), before + 1);
        EXPECT_NE(now.back().find("action=sns status=" + std::to_string(row.status) + " reason=" + row.reason),
                  std::string::npos)
            << now.back();
    }
    // And the good one still passes: the refusals above were for their own reason.
    EXPECT_EQ(post(good).status, 200);
    EXPECT_EQ(ledger.recorded.size(), 2u);
}

TEST_F(SnsWebhookTest, DatabaseUnavailableIs503AndTheRetryRecordsTheRest)
{
    const SnsMessage m = sign(notification(sesBounce("fb-3")));
    ledger.down = true;
    const WebAnswer down = post(m);
    EXPECT_EQ(down.status, 503);
    EXPECT_EQ(down.header("Retry-After"), "30");
    EXPECT_TRUE(ledger.recorded.empty());
    EXPECT_EQ(logged({"action=sns type=Notification status=503 reason=database-unavailable", "recorded=0"}), 1u);

    // Down half-way: the first row is committed, the answer is still 503.
    ledger.down = false;
    ledger.downAfter = 1;
    EXPECT_EQ(post(m).status, 503);
    EXPECT_EQ(ledger.recorded.size(), 1u);
    EXPECT_EQ(logged({"status=503 reason=database-unavailable", "recorded=1"}), 1u);

    // SNS retries once the database is back: the rest, and the first not twice.
    ledger.downAfter = -1;
    const WebAnswer back = post(m);
    EXPECT_EQ(back.status, 200);
    EXPECT_EQ(back.body, R"({"status":"ok","recorded":1,"duplicate":1})");
    EXPECT_EQ(ledger.recorded.size(), 2u);
}

TEST_F(SnsWebhookTest, AReturnTheDatabaseRefusesIs422)
{
    ledger.unrecordable = true;
    const WebAnswer a = post(sign(notification(sesBounce())));
    EXPECT_EQ(a.status, 422);
    EXPECT_EQ(logged({"status=422 reason=unrecordable"}), 1u);
}

TEST_F(SnsWebhookTest, RoutingMethodsBodyAndNoRateLimit)
{
    // Off (no topics): not there at all.
    WebHandlers off(directory, limits, log);
    const WebAnswer missing = off.handle(WebRequest{"POST", "/webhooks/sns", "text/plain",
                                                    RequestBody{RequestBody::Status::Complete, bodyOf(sign(confirmation()))},
                                                    "192.0.2.9", "SubscriptionConfirmation"});
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(fetcher.callsTo(kSubscribeUrl), 0u);

    const WebAnswer get = handlers.handle(WebRequest{"GET", "/webhooks/sns", "", {}, "192.0.2.9"});
    EXPECT_EQ(get.status, 405);
    EXPECT_EQ(get.header("Allow"), "POST");

    const WebAnswer large = handlers.handle(
        WebRequest{"POST", "/webhooks/sns", "text/plain", RequestBody{RequestBody::Status::TooLarge, ""}, "192.0.2.9"});
    EXPECT_EQ(large.status, 413);
    const WebAnswer cut = handlers.handle(
        WebRequest{"POST", "/webhooks/sns", "text/plain", RequestBody{RequestBody::Status::Incomplete, "{"}, "192.0.2.9"});
    EXPECT_EQ(cut.status, 400);

    // SNS posts from many addresses, often from one: never 429.
    TokenBuckets one(1);
    WebHandlers limited(directory, one, log, &webhook);
    for (int i = 0; i < 5; ++i) {
        const WebAnswer a = limited.handle(WebRequest{"POST", "/webhooks/sns", "text/plain",
                                                      RequestBody{RequestBody::Status::Complete, bodyOf(sign(confirmation()))},
                                                      "192.0.2.9", ""});
        EXPECT_EQ(a.status, 200) << i;
    }
    EXPECT_EQ(fetcher.callsTo(kSubscribeUrl), 5u);
}

} // namespace
} // namespace verpmail::web
