// The pages a person sees: masked address, escaping, the form, nothing external.
#include "UnsubscribePage.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace verpmail::web {
namespace {

bool has(const std::string& page, const std::string& text)
{
    return page.find(text) != std::string::npos;
}

TEST(WebUnsubscribePage, MaskedAddress)
{
    const struct
    {
        const char* email;
        const char* want;
    } rows[] = {
        {"jane@example.org", "j***@example.org"},
        {"j@example.org", "j***@example.org"},
        {"\xC3\xA9lise@example.org", "\xC3\xA9***@example.org"},  // a whole UTF-8 character
        {"a@b@example.org", "a***@example.org"},                   // the last '@' is the domain's
        {"no-at-sign", "***"},
        {"@example.org", "***"},
        {"", "***"},
    };
    for (const auto& row : rows)
        EXPECT_EQ(maskedAddress(row.email), row.want) << row.email;
}

TEST(WebUnsubscribePage, ConfirmPageNamesListAndMaskedAddressAndPostsOneClick)
{
    const std::string page = confirmPage("news", "jane.doe@example.org");
    EXPECT_TRUE(has(page, "news"));
    EXPECT_TRUE(has(page, "j***@example.org"));
    EXPECT_FALSE(has(page, "jane.doe")) << "the full address is never shown";
    EXPECT_TRUE(std::regex_search(page, std::regex("<form[^>]*method=\"?post")));
    EXPECT_FALSE(has(page, "action=")) << "the form posts to the page's own URL";
    EXPECT_TRUE(has(page, "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"));
    EXPECT_TRUE(has(page, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    EXPECT_TRUE(has(page, "<!DOCTYPE html>"));
}

TEST(WebUnsubscribePage, EveryPageIsSelfContained)
{
    const std::string pages[] = {confirmPage("news", "a@example.org"), alreadyOutPage("news", "a@example.org"),
                                 unsubscribedPage("news", "a@example.org", false),
                                 unsubscribedPage("news", "a@example.org", true), invalidLinkPage(),
                                 problemPage("Try again later", "text")};
    for (const std::string& page : pages) {
        for (const char* never : {"<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "http:",
                                  "https:", "//"})
            EXPECT_FALSE(has(page, never)) << never << " in\n" << page;
        EXPECT_TRUE(has(page, "<style>"));
        EXPECT_TRUE(has(page, "charset=\"utf-8\""));
    }
}

TEST(WebUnsubscribePage, DynamicValuesAreEscaped)
{
    const std::string list = "<script>alert('x')</script>&\"";
    const std::string email = "<b>\"o'brien\"@ex<ample>.org";
    const std::string pages[] = {confirmPage(list, email), alreadyOutPage(list, email),
                                 unsubscribedPage(list, email, false), unsubscribedPage(list, email, true),
                                 problemPage("<t>", "<x>&")};
    for (const std::string& page : pages) {
        EXPECT_FALSE(has(page, "<script>")) << page;
        EXPECT_FALSE(has(page, "<b>")) << page;
        EXPECT_FALSE(has(page, "<t>")) << page;
        EXPECT_FALSE(has(page, "<x>")) << page;
        EXPECT_FALSE(has(page, "<ample>")) << page;
    }
    EXPECT_TRUE(has(confirmPage(list, email), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
    EXPECT_TRUE(has(confirmPage(list, email), "&lt;***@ex&lt;ample&gt;.org"));
    EXPECT_TRUE(has(problemPage("<t>", "<x>&"), "&lt;x&gt;&amp;"));
    EXPECT_TRUE(has(confirmPage("a\x01list", "a@example.org"), "a\xEF\xBF\xBDlist")) << "control characters";
}

TEST(WebUnsubscribePage, TheAnswersSayWhatHappened)
{
    EXPECT_TRUE(has(unsubscribedPage("news", "a@example.org", false), "now unsubscribed"));
    EXPECT_TRUE(has(unsubscribedPage("news", "a@example.org", true), "already unsubscribed"));
    EXPECT_TRUE(has(alreadyOutPage("news", "a@example.org"), "already unsubscribed"));
    EXPECT_FALSE(has(alreadyOutPage("news", "a@example.org"), "<form"));
    EXPECT_FALSE(has(unsubscribedPage("news", "a@example.org", false), "<form"));
    EXPECT_FALSE(has(invalidLinkPage(), "<form"));
}

} // namespace
} // namespace verpmail::web
