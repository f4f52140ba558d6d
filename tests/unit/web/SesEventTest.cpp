// SesEvent: an SNS notification's SES event read as the bouncer reads the same JSON
// by mail, its campaign, and the dedup keys of its rows.
#include "SesEvent.h"

#include "SnsTestKit.h"

#include "verpmail/bounce/BounceParser.h"
#include "verpmail/store/ReturnRecorder.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail::web {
namespace {

using namespace testing;

TEST(SesEvent, ClassifiesExactlyAsTheBouncer)
{
    const std::string transient =
        R"({"notificationType":"Bounce","bounce":{"feedbackId":"f","bounceType":"Transient","bounceSubType":"General",)"
        R"("bouncedRecipients":[{"emailAddress":"a@example.org","status":"4.2.2","diagnosticCode":"smtp; 452 4.2.2 )"
        R"(mailbox full"}]},"mail":{"messageId":"m"}})";
    const std::string block =
        R"({"notificationType":"Bounce","bounce":{"feedbackId":"f","bounceType":"Permanent","bounceSubType":"General",)"
        R"("bouncedRecipients":[{"emailAddress":"a@example.org","status":"5.7.1","diagnosticCode":"smtp; 550 5.7.1 )"
        R"(message rejected as spam"}]},"mail":{"messageId":"m"}})";
    for (const std::string& json : {sesBounce(), sesComplaint(), transient, block}) {
        SCOPED_TRACE(json.substr(0, 80));
        // The same JSON as SNS mails it to an email subscription, through the bouncer's parser.
        const ParsedReturn mailed =
            parseReturn("From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n" + json + "\n");
        const std::optional<SesEvent> event = readSesEvent(json);
        ASSERT_TRUE(event);
        EXPECT_EQ(event->parsed.kind, mailed.kind);
        ASSERT_EQ(event->parsed.recipients.size(), mailed.recipients.size());
        ASSERT_FALSE(mailed.recipients.empty());
        for (std::size_t i = 0; i < mailed.recipients.size(); ++i) {
            const RecipientResult& got = event->parsed.recipients[i];
            const RecipientResult& want = mailed.recipients[i];
            EXPECT_EQ(got.address, want.address);
            EXPECT_EQ(got.bounceClass, want.bounceClass);
            EXPECT_EQ(got.reason, want.reason);
            EXPECT_EQ(got.status, want.status);
            EXPECT_EQ(got.diagnostic, want.diagnostic);
            EXPECT_FALSE(got.reason.empty()) << "classified";
        }
    }
}

TEST(SesEvent, ReadsTypeIdsAndCampaign)
{
    const std::optional<SesEvent> bounce = readSesEvent(sesBounce("fb-1"));
    ASSERT_TRUE(bounce);
    EXPECT_EQ(bounce->type, SesEvent::Type::Bounce);
    EXPECT_STREQ(sesEventName(bounce->type), "bounce");
    EXPECT_EQ(bounce->feedbackId, "fb-1");
    EXPECT_EQ(bounce->messageId, "0100018d-mail-id");
    EXPECT_EQ(bounce->campaign, "news-2026-12") << "from mail.headers";
    ASSERT_EQ(bounce->parsed.recipients.size(), 2u);
    EXPECT_EQ(bounce->parsed.recipients[0].address, "Jane@example.org");
    EXPECT_EQ(bounce->parsed.recipients[0].bounceClass, BounceClass::Hard);
    EXPECT_EQ(bounce->parsed.recipients[0].reason, "userunknown");

    const std::optional<SesEvent> complaint = readSesEvent(sesComplaint("fb-2"));
    ASSERT_TRUE(complaint);
    EXPECT_EQ(complaint->type, SesEvent::Type::Complaint);
    EXPECT_EQ(complaint->feedbackId, "fb-2");
    EXPECT_EQ(complaint->campaign, "news-2026-11") << "from the campaign tag";
    EXPECT_EQ(complaint->parsed.kind, ReturnKind::Complaint);
    EXPECT_EQ(complaint->parsed.recipients.at(0).bounceClass, BounceClass::Complaint);

    const std::optional<SesEvent> delivery = readSesEvent(sesDelivery());
    ASSERT_TRUE(delivery);
    EXPECT_EQ(delivery->type, SesEvent::Type::Delivery);
    EXPECT_EQ(delivery->messageId, "0100018d-mail-id");
    EXPECT_EQ(delivery->parsed.recipients.at(0).action, "delivered");
}

TEST(SesEvent, CampaignSources)
{
    const auto campaignOf = [](const std::string& mail) {
        const std::string json =
            R"({"notificationType":"Complaint","complaint":{"feedbackId":"f","complainedRecipients":)"
            R"([{"emailAddress":"a@example.org"}]},"mail":)" + mail + "}";
        const std::optional<SesEvent> e = readSesEvent(json);
        return e ? e->campaign : std::string("<none>");
    };
    const struct
    {
        const char* mail;
        const char* want;
    } rows[] = {
        {R"({"headers":[{"name":"x-verpmail-campaign","value":" c-1 "}],"tags":{"campaign":["c-2"]}})", "c-1"},
        {R"({"headers":[{"name":"Subject","value":"c-0"}],"tags":{"campaign":["c-2"],"verpmail-campaign":["c-3"]}})",
         "c-2"},
        {R"({"tags":{"verpmail-campaign":["c-3","c-4"]}})", "c-3"},
        {R"({"tags":{"campaign":[],"verpmail-campaign":["c-3"]}})", "c-3"},
        {R"({"tags":{"campaign":"c-5"}})", ""},
        {R"({"tags":{"ses:configuration-set":["news"]}})", ""},
        {R"({"headers":"X-Verpmail-Campaign: c-6"})", ""},
        {R"({"headers":[7,{"name":"X-Verpmail-Campaign"}]})", ""},
        {R"({})", ""},
        {R"("mail")", ""},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.mail);
        EXPECT_EQ(campaignOf(row.mail), row.want);
    }
    const std::string longName = std::string(300, 'c');
    EXPECT_EQ(campaignOf(R"({"tags":{"campaign":[")" + longName + R"("]}})").size(), 200u) << "bounded";
}

TEST(SesEvent, WhatIsNoSesEventIsNone)
{
    for (const char* message :
         {"Successfully validated SNS topic for Amazon SES event publishing.", "", "{}", "[1]", "{\"eventType\":\"Open\"}",
          R"({"eventType":"Send","mail":{"messageId":"m"}})",
          R"({"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":[]}})",
          R"({"eventType":"DeliveryDelay","deliveryDelay":{"delayedRecipients":[{"emailAddress":"a@example.org"}]}})"}) {
        SCOPED_TRACE(message);
        EXPECT_FALSE(readSesEvent(message));
    }
}

TEST(SesEvent, DedupKeysComeFromSesIdsAndTheIndex)
{
    const SesEvent bounce = *readSesEvent(sesBounce("fb-1"));
    // Computed here from ReturnRecorder::dedupKey and the documented material.
    EXPECT_EQ(sesDedupKey(bounce, "any text", 0), ReturnRecorder::dedupKey("fb-1", "ses-feedback-id", 0));
    EXPECT_EQ(sesDedupKey(bounce, "other text", 1), ReturnRecorder::dedupKey("fb-1", "ses-feedback-id", 1));
    EXPECT_NE(sesDedupKey(bounce, "any text", 0), sesDedupKey(bounce, "any text", 1));
    // The same event delivered again (or by another subscription, with another
    // envelope) has the same keys; another event has others.
    const SesEvent again = *readSesEvent(sesBounce("fb-1"));
    EXPECT_EQ(sesDedupKey(again, sesBounce("fb-1"), 0), sesDedupKey(bounce, "", 0));
    const SesEvent other = *readSesEvent(sesBounce("fb-2"));
    EXPECT_NE(sesDedupKey(other, "", 0), sesDedupKey(bounce, "", 0));

    const SesEvent delivery = *readSesEvent(sesDelivery());
    EXPECT_EQ(sesDedupKey(delivery, "x", 0), ReturnRecorder::dedupKey("0100018d-mail-id", "ses-delivery", 0));

    SesEvent noId = bounce;
    noId.feedbackId.clear();
    EXPECT_EQ(sesDedupKey(noId, "the message", 2), ReturnRecorder::dedupKey("the message", "ses-message", 2));
}

} // namespace
} // namespace verpmail::web
