#include "PersonalHeaders.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

PersonalHeaderInputs inputs()
{
    PersonalHeaderInputs in;
    in.campaign = "spring-2024";
    in.listName = "news";
    in.listIdDomain = "lists.example.org";
    in.address = "zoe@example.net";
    in.name = "Zo\xC3\xAB";
    in.envelopeSender = "sentto-abc@bounces.example.org";
    in.unsubscribeUrl = "https://example.org/u?m=zoe%40example.net";
    in.unsubscribeMailto = "unsubscribe@example.org";
    in.date = "Mon, 06 May 2024 10:00:00 +0000";
    in.feedbackSenderTag = "esp1";
    return in;
}

std::string get(const PersonalHeaders& h, const std::string& name)
{
    for (const auto& [n, v] : h.fields)
        if (n == name)
            return v;
    return "(absent)";
}

TEST(PersonalHeaders, BuildsEveryField)
{
    const PersonalHeaders h = buildPersonalHeaders(inputs());
    // python3: hashlib.sha256(b"spring-2024\nzoe@example.net").hexdigest()[:20]
    const std::vector<std::pair<std::string, std::string>> want = {
        {"To", "=?UTF-8?B?Wm/Dqw==?= <zoe@example.net>"},
        {"Message-ID", "<spring-2024.0e265e07807435611372@lists.example.org>"},
        {"Date", "Mon, 06 May 2024 10:00:00 +0000"},
        {"List-Id", "<news.lists.example.org>"},
        {"List-Unsubscribe", "<mailto:unsubscribe@example.org>,\r\n <https://example.org/u?m=zoe%40example.net>"},
        {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
        {"Feedback-ID", "spring-2024:news:verpmail:esp1"},
        {"X-Verpmail-Campaign", "spring-2024"},
        {"X-Verpmail-Envelope", "<sentto-abc@bounces.example.org>"},
    };
    EXPECT_EQ(h.fields, want);
}

TEST(PersonalHeaders, OneClickOnlyWithHttps)
{
    struct Row
    {
        const char* url;
        const char* mailto;
        const char* listUnsubscribe;
        const char* post;
    };
    const Row rows[] = {
        {"https://e.org/u", "", "<https://e.org/u>", "List-Unsubscribe=One-Click"},
        {"HTTPS://e.org/u", "mailto:u@e.org", "<mailto:u@e.org>,\r\n <HTTPS://e.org/u>", "List-Unsubscribe=One-Click"},
        {"http://e.org/u", "", "<http://e.org/u>", "(absent)"},
        {"", "u@e.org", "<mailto:u@e.org>", "(absent)"},
        {"", "", "(absent)", "(absent)"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.url);
        PersonalHeaderInputs in = inputs();
        in.unsubscribeUrl = row.url;
        in.unsubscribeMailto = row.mailto;
        const PersonalHeaders h = buildPersonalHeaders(in);
        EXPECT_EQ(get(h, "List-Unsubscribe"), row.listUnsubscribe);
        EXPECT_EQ(get(h, "List-Unsubscribe-Post"), row.post);
    }
}

TEST(PersonalHeaders, FeedbackIdAndHostileInputs)
{
    PersonalHeaderInputs in = inputs();
    in.feedbackSenderTag.clear();
    in.listName = "a:b";
    EXPECT_EQ(get(buildPersonalHeaders(in), "Feedback-ID"), "spring-2024:a-b:verpmail:lists.example.org");

    in = inputs();
    in.name = "Eve\r\nBcc: all@example.org";
    in.date = "now\r\nX-Evil: 1";
    const PersonalHeaders h = buildPersonalHeaders(in);
    for (const auto& [name, value] : h.fields) {
        SCOPED_TRACE(name);
        // Only the List-Unsubscribe fold may hold a line break, and it is followed by a blank.
        for (std::size_t at = value.find('\n'); at != std::string::npos; at = value.find('\n', at + 1))
            EXPECT_EQ(value[at + 1], ' ');
    }
    EXPECT_EQ(get(h, "Date"), "now  X-Evil: 1");

    in = inputs();
    in.normalizedAddress = "zoe@example.net";
    in.address = "Zoe@Example.NET";
    EXPECT_EQ(get(buildPersonalHeaders(in), "Message-ID"), "<spring-2024.0e265e07807435611372@lists.example.org>");
}

} // namespace
} // namespace verpmail
