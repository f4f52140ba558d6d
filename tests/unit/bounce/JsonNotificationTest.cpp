// JsonNotificationTest: SES events read straight, through an SNS envelope, split by
// a relay or cut short, and the odd shapes a notification may take.
#include "verpmail/bounce/JsonNotification.h"

#include "verpmail/bounce/BounceClassifier.h"

#include <gtest/gtest.h>

#include <string>

using namespace verpmail;
using namespace verpmail::bounce;

namespace {

struct Read
{
    bool found = false;
    ParsedReturn r;
};

Read read(const std::string& text, ParseLimits limits = {})
{
    Read result;
    result.found = readJsonNotification(text, limits, result.r);
    return result;
}

const std::string kBounce =
    R"({"notificationType":"Bounce","bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull",)"
    R"("bouncedRecipients":[{"emailAddress":"\"Q\" <q@Example.JP>"},)"
    R"({"emailAddress":"r@example.jp","action":"DELAYED","diagnosticCode":"smtp;\n452 4.2.2  full"}]},)"
    R"("mail":{"source":"sentto-TOKEN@bounces.example.org"}})";

// The same event as the string "Message" of an SNS envelope.
std::string inEnvelope(const std::string& event)
{
    std::string quoted;
    for (const char c : event)
    {
        if (c == '"' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    return R"({"Type" : "Notification", "MessageId" : "m1", "Message" : ")" + quoted + "\"}\n\n--\nfooter\n";
}

} // namespace

TEST(JsonNotification, ReadsABounceEventDirectlyAndInAnEnvelope)
{
    for (const std::string& text : {kBounce, inEnvelope(kBounce), "Intro {" + kBounce.substr(1) + " trailer"})
    {
        SCOPED_TRACE(text);
        const Read got = read(text);
        ASSERT_TRUE(got.found);
        EXPECT_EQ(got.r.kind, ReturnKind::Bounce);
        ASSERT_EQ(got.r.recipients.size(), 2u);
        EXPECT_EQ(got.r.recipients[0].address, "q@example.jp");
        EXPECT_EQ(got.r.recipients[0].action, "failed");   // SES reports a bounce once it gave up
        EXPECT_EQ(got.r.recipients[0].reason, "mailboxfull");
        EXPECT_EQ(got.r.recipients[0].diagnostic, "MailboxFull");
        EXPECT_EQ(got.r.recipients[1].action, "delayed");
        EXPECT_EQ(got.r.recipients[1].status, "4.2.2");
        EXPECT_EQ(got.r.recipients[1].replyCode, "452");
        EXPECT_EQ(got.r.recipients[1].diagnostic, "smtp; 452 4.2.2 full");
        ASSERT_EQ(got.r.verpCandidates.size(), 1u);
        EXPECT_EQ(got.r.verpCandidates[0], "sentto-TOKEN@bounces.example.org");
    }
    ParseLimits one;
    one.maxRecipients = 1;
    EXPECT_EQ(read(kBounce, one).r.recipients.size(), 1u);
}

TEST(JsonNotification, ReadsComplaintAndDeliveryEvents)
{
    Read got = read(R"({"eventType":"Complaint","complaint":{"complaintFeedbackType":"Abuse","complainedRecipients":[]}})");
    ASSERT_TRUE(got.found);
    EXPECT_EQ(got.r.kind, ReturnKind::Complaint);
    EXPECT_EQ(got.r.feedbackType, "abuse");
    EXPECT_EQ(got.r.recipients.size(), 1u); // one result, with no address

    got = read(R"({"notificationType":"Delivery","delivery":{"recipients":["a@example.jp","B@Example.JP"],)"
               R"("smtpResponse":"250 2.6.0  queued"}})");
    ASSERT_TRUE(got.found);
    ASSERT_EQ(got.r.recipients.size(), 2u);
    EXPECT_EQ(got.r.recipients[1].address, "B@example.jp");
    EXPECT_EQ(got.r.recipients[1].action, "delivered");
    EXPECT_EQ(got.r.recipients[1].diagnostic, "250 2.6.0 queued");
}

TEST(JsonNotification, DecodesEscapesAndJoinsSplitLines)
{
    // String escapes are decoded (\u00e9 is UTF-8 C3 A9); a relay's "!\n " line splits
    // are joined back, even inside a string.
    const std::string text = R"({"notificationType":"Bounce","bounce":{"bouncedRecipients":[{"emailAddress":)"
                             R"("\u0071@example.jp","status":"5.1.1","diagnosticCode":"smtp; 550 \"r\u00e9f!)"
                             "\n "
                             R"(us\u00e9\" \/ \\ \t end"}]},"mail":{"source":"v@exa!)"
                             "\n "
                             R"(mple.org"}})";
    const Read got = read(text);
    ASSERT_TRUE(got.found);
    ASSERT_EQ(got.r.recipients.size(), 1u);
    EXPECT_EQ(got.r.recipients[0].address, "q@example.jp");
    EXPECT_EQ(got.r.recipients[0].diagnostic, "smtp; 550 \"r\xc3\xa9" "fus\xc3\xa9\" / \\ end");
    EXPECT_EQ(got.r.recipients[0].replyCode, "550");
    ASSERT_EQ(got.r.verpCandidates.size(), 1u);
    EXPECT_EQ(got.r.verpCandidates[0], "v@example.org");

    // A document nested past the parser's depth is not read whole; with nothing to
    // salvage it is no notification.
    EXPECT_FALSE(read(R"({"notificationType":"Bounce","x":)" + std::string(200, '[') + std::string(200, ']') + "}").found);
}

TEST(JsonNotification, HandlesOddShapes)
{
    // Not a notification, or one that names no recipient.
    for (const std::string text : {"", "no json here", R"({"notificationType":"Open","open":{}})",
                                   R"({"notificationType":"Bounce","bounce":{"bouncedRecipients":[]}})",
                                   R"({"Type":"Notification","Message":null})",
                                   R"({"Type":"Notification","Message":"[1]"})",
                                   R"({"Type":"Notification","Message":"not json"})",
                                   // A null delivery recipient made Poco throw.
                                   R"({"notificationType":"Delivery","delivery":{"recipients":[null]}})"})
        EXPECT_FALSE(read(text).found) << text;

    // A message given as an object is read as one.
    Read got = read(R"({"Type":"Notification","Message":{"notificationType":"Complaint","complaint":{}}})");
    EXPECT_TRUE(got.found);
    EXPECT_EQ(got.r.kind, ReturnKind::Complaint);

    // The last of duplicate keys counts; a recipient that is no object gives a result
    // without an address; an array or object where text belongs reads as no text.
    got = read(R"({"notificationType":"Complaint","notificationType":"Bounce","bounce":{"bouncedRecipients":)"
               R"(["x@example.jp",{"emailAddress":{"a":"y@example.jp"},"action":["failed"],"status":5}]}})");
    ASSERT_TRUE(got.found);
    ASSERT_EQ(got.r.recipients.size(), 2u);
    for (const RecipientResult& result : got.r.recipients)
    {
        EXPECT_EQ(result.address, "");
        EXPECT_EQ(result.action, "failed");
    }
}

TEST(JsonNotification, SalvagesACutDocument)
{
    // Not JSON as a whole (cut inside "headers"): the whole parts still give the event.
    const std::string cut = R"({"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":)"
                            R"([{"emailAddress":"m@example.jp","status":"5.1.1"}]},"mail":{"source":"v@example.org",)"
                            R"("headers":[{"name":"!)"
                            "\n\n--\nIf you wish to stop receiving notifications {unsubscribe}\n";
    Read got = read(cut);
    ASSERT_TRUE(got.found);
    ASSERT_EQ(got.r.recipients.size(), 1u);
    EXPECT_EQ(got.r.recipients[0].status, "5.1.1");
    ASSERT_EQ(got.r.verpCandidates.size(), 1u);
    EXPECT_EQ(got.r.verpCandidates[0], "v@example.org");

    // A whole part that is not JSON spoils the salvage.
    got = read(R"({"notificationType":"Bounce","bounce":{"bouncedRecipients":[{"emailAddress":"m@example.jp",}]}, {)");
    EXPECT_FALSE(got.found);
}

TEST(JsonNotification, SesBounceTypesDecideWhetherTheAddressIsDead)
{
    // AWS's documented bounceType/bounceSubType: Permanent General, NoEmail, Suppressed
    // and OnAccountSuppressionList are dead; Transient and Undetermined never are, with
    // or without the per-recipient status fields.
    const std::string unknownUser = R"(,"status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown")";
    const struct
    {
        const char* type;
        const char* subType;
        std::string fields;
        const char* reason;
        BounceClass bounceClass;
    } rows[] = {
        {"Permanent", "General", "", "userunknown", BounceClass::Hard},
        {"Permanent", "General", R"(,"status":"5.7.1","diagnosticCode":"smtp; 550 5.7.1 blocked")", "userunknown",
         BounceClass::Hard},
        {"Permanent", "NoEmail", "", "userunknown", BounceClass::Hard},
        {"Permanent", "Suppressed", "", "suppressed", BounceClass::Hard},
        {"Permanent", "OnAccountSuppressionList", unknownUser, "suppressed", BounceClass::Hard},
        {"Transient", "General", "", "onhold", BounceClass::Soft},
        {"Transient", "General", unknownUser, "onhold", BounceClass::Soft},
        {"Transient", "General", R"(,"diagnosticCode":"smtp; 452 4.2.2 mailbox full")", "mailboxfull",
         BounceClass::Soft},
        {"Transient", "MailboxFull", "", "mailboxfull", BounceClass::Soft},
        {"Transient", "MailboxFull", unknownUser, "mailboxfull", BounceClass::Soft},
        {"Transient", "MessageTooLarge", "", "mesgtoobig", BounceClass::Soft},
        {"Transient", "ContentRejected", "", "spamdetected", BounceClass::Block},
        {"Transient", "AttachmentRejected", "", "policyviolation", BounceClass::Block},
        {"Undetermined", "Undetermined", "", "onhold", BounceClass::Soft},
        {"Undetermined", "Undetermined", unknownUser, "onhold", BounceClass::Soft},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(std::string(row.type) + "/" + row.subType + row.fields);
        const Read got = read(std::string(R"({"notificationType":"Bounce","bounce":{"bounceType":")") + row.type +
                              R"(","bounceSubType":")" + row.subType +
                              R"(","bouncedRecipients":[{"emailAddress":"m@example.jp")" + row.fields + "}]}}");
        ASSERT_TRUE(got.found);
        ASSERT_EQ(got.r.recipients.size(), 1u);
        const RecipientResult& result = got.r.recipients[0];
        EXPECT_EQ(result.reason, row.reason);
        EXPECT_EQ(classOfReason(result.reason, result.status), row.bounceClass);
    }
    // Without a type the classifier reads the text as it would any report.
    EXPECT_EQ(read(R"({"notificationType":"Bounce","bounce":{"bouncedRecipients":[{"emailAddress":"m@example.jp")" +
                   unknownUser + "}]}}")
                  .r.recipients[0]
                  .reason,
              "");
}
