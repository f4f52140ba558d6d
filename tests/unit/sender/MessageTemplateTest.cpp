#include "MessageTemplate.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

TEST(MessageTemplate, ReplacesPersonalHeadersAndNormalisesLineEnds)
{
    const MessageTemplate t = MessageTemplate::parse(
        "From: List <list@example.org>\n"
        "To: everyone@example.org\n"
        "Subject: Hello\n"
        " world\n"
        "Message-ID: <old@example.org>\n"
        "MIME-Version: 1.0\n"
        "\n"
        "Body line 1\n"
        ".leading dot stays for libESMTP to stuff\n");
    ASSERT_TRUE(t.ok()) << t.problem();
    EXPECT_EQ(t.from(), "List <list@example.org>");
    EXPECT_EQ(t.subject(), "Hello world");
    PersonalHeaders h;
    h.fields = {{"To", "<a@example.net>"}, {"Message-ID", "<new@example.org>"}};
    EXPECT_EQ(t.compose(h),
              "To: <a@example.net>\r\n"
              "Message-ID: <new@example.org>\r\n"
              "From: List <list@example.org>\r\n"
              "Subject: Hello\r\n"
              " world\r\n"
              "MIME-Version: 1.0\r\n"
              "\r\n"
              "Body line 1\r\n"
              ".leading dot stays for libESMTP to stuff\r\n");
}

TEST(MessageTemplate, ReportsUnusableFiles)
{
    struct Row
    {
        const char* bytes;
        const char* problemStart;
    };
    const Row rows[] = {
        {"", "the message file is empty"},
        {"From: a@b.org\nSubject: x\n", "no blank line"},
        {"Subject: x\n\nbody\n", "the message has no From"},
        {" folded first\n\nbody\n", "the message starts with a continuation"},
        {"From: a@b.org\nthis is not a header\n\nbody\n", "line 2 is not a header"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.bytes);
        const MessageTemplate t = MessageTemplate::parse(row.bytes);
        EXPECT_FALSE(t.ok());
        EXPECT_EQ(t.problem().rfind(row.problemStart, 0), 0u) << t.problem();
    }
    const std::string longBody = "From: a@b.org\n\n" + std::string(1000, 'x') + "\n";
    EXPECT_FALSE(MessageTemplate::parse(longBody).ok());
}

TEST(MessageTemplate, FormatsMailboxes)
{
    EXPECT_EQ(formatMailbox("", "a@b.org"), "<a@b.org>");
    EXPECT_EQ(formatMailbox("Ann Smith", "a@b.org"), "\"Ann Smith\" <a@b.org>");
    // "Zoë" in UTF-8, base64 "Wm/Dqw==".
    EXPECT_EQ(formatMailbox("Zo\xC3\xAB", "a@b.org"), "=?UTF-8?B?Wm/Dqw==?= <a@b.org>");
}

} // namespace
} // namespace verpmail
