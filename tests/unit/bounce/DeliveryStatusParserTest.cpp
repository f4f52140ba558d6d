// DeliveryStatusParserTest: RFC 3464 / RFC 6533 fields and the broken layouts.
#include "verpmail/bounce/DeliveryStatusParser.h"

#include "verpmail/bounce/Encodings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using namespace verpmail::bounce;

TEST(DeliveryStatusParser, ReadsPerMessageAndPerRecipientFields)
{
    const char* text = "Reporting-MTA: dns; mx.example.org\n"
                       "Original-Envelope-Id: campaign-42\n"
                       "\n"
                       "Final-Recipient: rfc822; one@example.jp\n"
                       "Original-Recipient: rfc822;one@example.jp\n"
                       "Action: failed\n"
                       "Status: 5.1.1\n"
                       "Remote-MTA: dns; mx.example.jp\n"
                       "Diagnostic-Code: smtp; 550 5.1.1 <one@example.jp>:\n"
                       "    Recipient address rejected: User unknown\n"
                       "\n"
                       "Final-Recipient: utf-8; two@example.jp\n"
                       "Action: delayed\n"
                       "Status: 4.4.1\n";
    const DeliveryStatus ds = parseDeliveryStatus(text, verpmail::ParseLimits{});
    EXPECT_EQ(ds.originalEnvelopeId, "campaign-42");
    ASSERT_EQ(ds.recipients.size(), 2u);
    EXPECT_EQ(ds.recipients[0].finalRecipient, "one@example.jp");
    EXPECT_EQ(ds.recipients[0].action, "failed");
    EXPECT_EQ(ds.recipients[0].status, "5.1.1");
    EXPECT_EQ(ds.recipients[0].diagnosticType, "smtp");
    EXPECT_EQ(ds.recipients[0].diagnosticCode, "550 5.1.1 <one@example.jp>: Recipient address rejected: User unknown");
    EXPECT_EQ(ds.recipients[0].remoteMta, "mx.example.jp");
    EXPECT_EQ(ds.recipients[1].finalRecipient, "two@example.jp");
    EXPECT_EQ(ds.recipients[1].action, "delayed");
}

TEST(DeliveryStatusParser, SplitsRecipientsWithoutBlankLines)
{
    const char* text = "Final-Recipient: rfc822; a@x.example\nAction: failed\nStatus: 5.0.0\n"
                       "Final-Recipient: rfc822; b@x.example\nAction: failed\nStatus: 5.2.2\n";
    const DeliveryStatus ds = parseDeliveryStatus(text, verpmail::ParseLimits{});
    ASSERT_EQ(ds.recipients.size(), 2u);
    EXPECT_EQ(ds.recipients[1].status, "5.2.2");
}

TEST(DeliveryStatusParser, RespectsRecipientLimitAndIgnoresGarbage)
{
    std::string text;
    for (int i = 0; i < 50; ++i)
        text += "Final-Recipient: rfc822; u" + std::to_string(i) + "@x.example\n\n";
    verpmail::ParseLimits limits;
    limits.maxRecipients = 5;
    EXPECT_EQ(parseDeliveryStatus(text, limits).recipients.size(), 5u);
    EXPECT_TRUE(parseDeliveryStatus("\x01\x02 garbage : : \n\n", limits).recipients.empty());
    EXPECT_TRUE(parseDeliveryStatus("", limits).recipients.empty());
}

TEST(DeliveryStatusParser, DetectsPastedReports)
{
    EXPECT_TRUE(looksLikeDeliveryStatus("text\nFinal-Recipient: rfc822; a@b.example\nAction: failed\n"));
    EXPECT_FALSE(looksLikeDeliveryStatus("Final-Recipient only"));
}

TEST(DeliveryStatusParser, KeepsTheFieldRulesAtTheEdges)
{
    const char* text = "Final-Recipient: rfc822; <A@B.Example>\n"
                       "Action: FAILED\n"
                       "  (mailbox full)\n"            // a folded action keeps only its keyword
                       "X-Unknown: x\n"
                       "  folded into nothing read\n"
                       "Diagnostic-Code: smtp; 550-5.1.1 no\n"
                       "  550 5.1.1 such user\n"
                       "Original-Recipient: rfc822;nobody\n";
    const DeliveryStatus ds = parseDeliveryStatus(text, verpmail::ParseLimits{});
    ASSERT_EQ(ds.recipients.size(), 1u);
    // final, original ("nobody" is no address), action, status, diagnostic, its type,
    // remote MTA
    const DsnRecipient& got = ds.recipients[0];
    EXPECT_EQ(got.finalRecipient, "A@b.example");
    EXPECT_EQ(got.originalRecipient, "");
    EXPECT_EQ(got.action, "failed");
    EXPECT_EQ(got.status, "");
    EXPECT_EQ(got.diagnosticCode, "550-5.1.1 no such user");
    EXPECT_EQ(got.diagnosticType, "smtp");
    EXPECT_EQ(got.remoteMta, "");
    // A name one letter off is no field.
    EXPECT_TRUE(parseDeliveryStatus("Statuz: 5.1.1\nFinal-Recipienx: a@b.example\n", verpmail::ParseLimits{})
                    .recipients.empty());
    EXPECT_FALSE(looksLikeDeliveryStatus("final-recipient: a@b.example\nSTATUS 5.1.1\n"));
    EXPECT_TRUE(looksLikeDeliveryStatus("final-recipient: a@b.example\nSTATUS: 5.1.1\n"));
}

TEST(DeliveryStatusParser, FinalRecipientIsNormalisedWhereItWasRead)
{
    // The value as written becomes the address in place: normalised when it is one,
    // else the first address in it, else nothing (a file or a pipe).
    const struct
    {
        const char* field;
        const char* want;
    } rows[] = {
        {"Final-Recipient: rfc822; <A@B.Example>", "A@b.example"},
        {"Final-Recipient: rfc822;a-long-local-part-past-sso@Example.ORG", "a-long-local-part-past-sso@example.org"},
        {"Final-Recipient: rfc822; /var/mail/someone", ""},
        {"Final-Recipient: rfc822; |/usr/bin/procmail", ""},
        {"Final-Recipient: x-local; mailbox \"Box\" of user@Host.Example, here", "user@host.example"},
        {"Final-Recipient: rfc822; first@a.example\n  second@b.example", "first@a.example"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.field);
        const DeliveryStatus ds =
            parseDeliveryStatus(std::string(row.field) + "\nAction: failed\nStatus: 5.1.1\n", verpmail::ParseLimits{});
        ASSERT_EQ(ds.recipients.size(), 1u);
        EXPECT_EQ(ds.recipients[0].finalRecipient, row.want);
    }
    // An empty field names no recipient.
    EXPECT_TRUE(parseDeliveryStatus("Final-Recipient:\nAction: failed\n", verpmail::ParseLimits{}).recipients.empty());
}
