// SnsMessage: the SNS body read, and the canonical text its signature covers, for
// each Type (hand-written expectations, as AWS documents them).
#include "SnsMessage.h"

#include "SnsTestKit.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail::web {
namespace {

using namespace testing;

TEST(SnsMessage, CanonicalTextOfEachType)
{
    SnsMessage withSubject = notification("{\"a\":1}\nline two", "id-1");
    withSubject.subject = "Hello";
    SnsMessage withoutSubject = withSubject;
    withoutSubject.subject.reset();
    SnsMessage emptySubject = withSubject;
    emptySubject.subject = "";
    SnsMessage unsubscribe = confirmation(SnsMessage::Type::UnsubscribeConfirmation);

    const struct
    {
        const char* name;
        SnsMessage message;
        std::string want;
    } rows[] = {
        {"notification with subject", withSubject,
         "Message\n{\"a\":1}\nline two\nMessageId\nid-1\nSubject\nHello\nTimestamp\n2026-12-07T18:00:00.123Z\n"
         "TopicArn\narn:aws:sns:us-east-1:123456789012:ses-returns\nType\nNotification\n"},
        {"notification without subject", withoutSubject,
         "Message\n{\"a\":1}\nline two\nMessageId\nid-1\nTimestamp\n2026-12-07T18:00:00.123Z\n"
         "TopicArn\narn:aws:sns:us-east-1:123456789012:ses-returns\nType\nNotification\n"},
        {"notification with an empty subject", emptySubject,
         "Message\n{\"a\":1}\nline two\nMessageId\nid-1\nSubject\n\nTimestamp\n2026-12-07T18:00:00.123Z\n"
         "TopicArn\narn:aws:sns:us-east-1:123456789012:ses-returns\nType\nNotification\n"},
        {"subscription confirmation", confirmation(),
         std::string("Message\n") + confirmation().message + "\nMessageId\n165545c9-2a5c-472c-8df2-7ff2be2b3b1b\n"
             "SubscribeURL\n" + kSubscribeUrl + "\nTimestamp\n2026-12-07T17:00:00.000Z\nToken\n2336412f37\n"
             "TopicArn\narn:aws:sns:us-east-1:123456789012:ses-returns\nType\nSubscriptionConfirmation\n"},
        {"unsubscribe confirmation", unsubscribe,
         std::string("Message\n") + confirmation().message + "\nMessageId\n165545c9-2a5c-472c-8df2-7ff2be2b3b1b\n"
             "SubscribeURL\n" + kSubscribeUrl + "\nTimestamp\n2026-12-07T17:00:00.000Z\nToken\n2336412f37\n"
             "TopicArn\narn:aws:sns:us-east-1:123456789012:ses-returns\nType\nUnsubscribeConfirmation\n"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        EXPECT_EQ(canonicalText(row.message), row.want);
    }
}

TEST(SnsMessage, ReadsWhatSnsSendsWithEscapesDecoded)
{
    const std::string body =
        R"({"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:eu-west-1:1:t",)"
        R"("Subject":"caf\u00e9","Message":"{\"notificationType\":\"Bounce\"}\n\u2603","Timestamp":"2026-01-01T00:00:00Z",)"
        R"("SignatureVersion":"2","Signature":"c2ln","SigningCertURL":"https:\/\/sns.eu-west-1.amazonaws.com\/x.pem",)"
        R"("UnsubscribeURL":"https://x","MessageAttributes":{"a":{"Type":"String","Value":"b"}}})";
    SnsProblem kind = SnsProblem::None;
    std::string problem;
    const std::optional<SnsMessage> m = parseSnsMessage(body, kind, problem);
    ASSERT_TRUE(m) << problem;
    EXPECT_EQ(kind, SnsProblem::None);
    EXPECT_EQ(m->type, SnsMessage::Type::Notification);
    EXPECT_EQ(m->message, "{\"notificationType\":\"Bounce\"}\n\xE2\x98\x83");
    EXPECT_EQ(m->subject, std::optional<std::string>("caf\xC3\xA9"));
    EXPECT_EQ(m->signingCertUrl, "https://sns.eu-west-1.amazonaws.com/x.pem");
    EXPECT_EQ(m->signature, "c2ln");

    // What bodyOf() writes reads back the same.
    const SnsMessage sent = confirmation();
    const std::optional<SnsMessage> back = parseSnsMessage(bodyOf(sent), kind, problem);
    ASSERT_TRUE(back) << problem;
    EXPECT_EQ(canonicalText(*back), canonicalText(sent));
    EXPECT_EQ(back->token, "2336412f37");
    EXPECT_FALSE(back->subject) << "confirmations sign no Subject";
    EXPECT_TRUE(parseSnsMessage(bodyOf(sent) + "\r\n", kind, problem)) << "a line end after the JSON: " << problem;
}

TEST(SnsMessage, NullSubjectIsNoSubject)
{
    SnsProblem kind = SnsProblem::None;
    std::string problem;
    std::string body = bodyOf(notification("x"));
    const std::string needle = R"("Subject":"Amazon SES Email Event Notification")";
    body.replace(body.find(needle), needle.size(), R"("Subject":null)");
    const std::optional<SnsMessage> m = parseSnsMessage(body, kind, problem);
    ASSERT_TRUE(m) << problem;
    EXPECT_FALSE(m->subject);
}

TEST(SnsMessage, RefusesWhatIsNoSnsMessage)
{
    const std::string good = bodyOf(notification("x"));
    const auto without = [&](const std::string& member) {
        std::string body = good;
        const std::size_t at = body.find("\"" + member + "\":");
        const std::size_t end = body.find("\",\"", at);
        body.erase(at, end + 2 - at);
        return body;
    };
    const struct
    {
        std::string body;
        SnsProblem kind;
        const char* mentions;
    } rows[] = {
        {"", SnsProblem::MalformedJson, "JSON"},
        {"not json", SnsProblem::MalformedJson, "JSON"},
        {"[1,2]", SnsProblem::MalformedJson, "JSON"},
        {"\"Notification\"", SnsProblem::MalformedJson, "JSON"},
        {good.substr(0, good.size() - 1), SnsProblem::MalformedJson, "JSON"},
        {std::string(200, '[') + std::string(200, ']'), SnsProblem::MalformedJson, "JSON"},
        {"{}", SnsProblem::Invalid, "Type"},
        {R"({"Type":"Notice"})", SnsProblem::Invalid, "Type"},
        {R"({"Type":7})", SnsProblem::Invalid, "Type"},
        {without("MessageId"), SnsProblem::Invalid, "MessageId"},
        {without("TopicArn"), SnsProblem::Invalid, "TopicArn"},
        {without("Timestamp"), SnsProblem::Invalid, "Timestamp"},
        {without("Signature"), SnsProblem::Invalid, "Signature"},
        {without("SignatureVersion"), SnsProblem::Invalid, "SignatureVersion"},
        {without("SigningCertURL"), SnsProblem::Invalid, "SigningCertURL"},
        {bodyOf(confirmation()).replace(bodyOf(confirmation()).find("\"Token\""), 7, "\"Tokens\""), SnsProblem::Invalid,
         "Token"},
        {std::string(good).replace(good.find("\"Signature\":\""), 13, "\"Signature\":1,\"x\":\""),
         SnsProblem::Invalid, "Signature"},
        {std::string(good).replace(good.find("\"Subject\":\""), 11, "\"Subject\":2,\"y\":\""), SnsProblem::Invalid,
         "Subject"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.body.substr(0, 120));
        SnsProblem kind = SnsProblem::None;
        std::string problem;
        EXPECT_FALSE(parseSnsMessage(row.body, kind, problem));
        EXPECT_EQ(kind, row.kind);
        EXPECT_NE(problem.find(row.mentions), std::string::npos) << problem;
    }
}

} // namespace
} // namespace verpmail::web
