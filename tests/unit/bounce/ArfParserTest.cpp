// ArfParserTest: RFC 5965 fields, including redacted reports.
#include "verpmail/bounce/ArfParser.h"

#include <gtest/gtest.h>

using namespace verpmail::bounce;

TEST(ArfParser, ReadsFeedbackFields)
{
    const FeedbackReport r = parseFeedbackReport("Feedback-Type: Abuse\nUser-Agent: SomeISP/1.0\nVersion: 1\n"
                                                 "Original-Mail-From: <sentto-TOKEN@bounces.example.org>\n"
                                                 "Original-Rcpt-To: member@example.com\n"
                                                 "Original-Envelope-Id: c-17\n",
                                                 verpmail::ParseLimits{});
    EXPECT_EQ(r.feedbackType, "abuse");
    ASSERT_EQ(r.recipients.size(), 1u);
    EXPECT_EQ(r.recipients[0], "member@example.com");
    EXPECT_EQ(r.originalMailFrom, "sentto-TOKEN@bounces.example.org");
    EXPECT_EQ(r.originalEnvelopeId, "c-17");
}

TEST(ArfParser, AcceptsRedactedAndEmptyReports)
{
    const FeedbackReport redacted = parseFeedbackReport("Feedback-Type: abuse\nVersion: 1\n", verpmail::ParseLimits{});
    EXPECT_EQ(redacted.feedbackType, "abuse");
    EXPECT_TRUE(redacted.recipients.empty());
    EXPECT_TRUE(parseFeedbackReport("", verpmail::ParseLimits{}).feedbackType.empty());
}
