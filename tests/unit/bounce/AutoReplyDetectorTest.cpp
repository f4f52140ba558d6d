// AutoReplyDetectorTest: RFC 3834 and vendor markers, subjects in several languages.
#include "verpmail/bounce/AutoReplyDetector.h"

#include <gtest/gtest.h>

using namespace verpmail::bounce;

TEST(AutoReplyDetector, RecognisesMarkers)
{
    struct Row { const char* name; const char* value; bool want; };
    const Row rows[] = {
        {"Auto-Submitted", "auto-replied", true},
        {"Auto-Submitted", "no", false},
        {"X-Autoreply", "yes", true},
        {"Subject", "Automatic reply: Nyaan", true},
        {"Subject", "Out of Office: back Monday", true},
        {"Subject", "=?UTF-8?Q?R=C3=A9ponse_automatique?=", true},
        {"Subject", "Abwesenheitsnotiz", true},
        {"Subject", "Re: lunch", false},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(std::string(row.name) + ": " + row.value);
        const std::string text = std::string(row.name) + ": " + row.value + "\n";
        const HeaderBlock h = HeaderBlock::parse(text, 1000);
        EXPECT_EQ(isAutoReply(h), row.want);
    }
}

TEST(AutoReplyDetector, AnyFieldOfAMarkerNameCounts)
{
    // A name in any case, among other fields, repeated with the marking value only in
    // a later field.
    struct Row { const char* header; bool want; };
    const Row rows[] = {
        {"From: a@example.org\nX-Mailer: mutt\nx-mailer: Vacation 1.2\nSubject: hello\n", true},
        {"From: a@example.org\nX-Mailer: mutt\nX-MAILER: mailx\nSubject: hello\n", false},
        {"Received: x\nReceived: y\nauto-submitted: no\nAUTO-SUBMITTED: Auto-Replied\n", true},
        {"Received: x\nX-Auto-Reply-From: \nSubject: hello\n", true},
        {"Received: x\nX-Auto-Reply: yes\nX-Autoreplied: yes\nSubject: hello\n", false},
        {"x-post-messageclass: 9; Autoreply\n", true},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.header);
        const HeaderBlock parsed = HeaderBlock::parse(row.header, 10000);
        EXPECT_EQ(isAutoReply(parsed), row.want);
    }
}

TEST(AutoReplyDetector, AnswersMailByMarkerOrByOurMessageId)
{
    // Our Message-ID (sender/src/PersonalHeaders.h): <campaign.HEX20@listIdDomain>.
    struct Row { const char* name; const char* value; bool want; };
    const Row rows[] = {
        {"Auto-Submitted", "auto-replied", true},
        {"Auto-Submitted", "auto-notified", true},
        {"Auto-Submitted", "auto-generated", false},   // RFC 5965 reports carry it
        {"Auto-Submitted", "No ; comment", false},
        {"In-Reply-To", "<c-2024.05_a.0123456789abcdef0123@lists.example.org>", true},
        {"References", "<x@y.example> <news1.aaaaabbbbbcccccddddd@example.org>", true},
        {"In-Reply-To", "<news1.0123456789abcdef012@example.org>", false},   // 19 digits
        {"In-Reply-To", "<news1.0123456789ABCDEF0123@example.org>", false},  // upper-case
        {"In-Reply-To", "<.0123456789abcdef0123@example.org>", false},       // no campaign
        {"In-Reply-To", "<news 1.0123456789abcdef0123@example.org>", false},
        {"References", "<<<news1.0123456789abcdef0123>", false},
        {"Subject", "Re: news", false},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(std::string(row.name) + ": " + row.value);
        const std::string text = std::string(row.name) + ": " + row.value + "\n";
        const HeaderBlock h = HeaderBlock::parse(text, 1000);
        EXPECT_EQ(answersMail(h), row.want);
    }
}
