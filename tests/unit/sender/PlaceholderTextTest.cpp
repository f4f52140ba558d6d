#include "PlaceholderText.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

Personalization zoe()
{
    Personalization p;
    p.address = "zoe@example.net";
    p.name = "Zo\xC3\xAB <\xC3\x98>";
    p.list = "news";
    p.unsubscribeUrl = "https://example.org/u?a=1&b=2";
    p.unsubscribeMailto = "mailto:u@example.org";
    return p;
}

std::string render(std::string_view text, const Personalization& p, Escaping e, std::vector<std::string>* unknown = nullptr)
{
    std::string out;
    PlaceholderText::parse(text, unknown).render(out, PlaceholderValues(p), e);
    return out;
}

TEST(PlaceholderText, FillsKnownPlaceholders)
{
    struct Row
    {
        const char* text;
        Escaping escaping;
        const char* want;
    };
    const Row rows[] = {
        {"no placeholders", Escaping::Plain, "no placeholders"},
        {"{{address}}", Escaping::Plain, "zoe@example.net"},
        {"Dear {{name}},", Escaping::Plain, "Dear Zo\xC3\xAB <\xC3\x98>,"},
        {"Dear {{name}},", Escaping::Html, "Dear Zo\xC3\xAB &lt;\xC3\x98&gt;,"},
        {"{{ list }}", Escaping::Plain, "news"},
        {"<a href=\"{{unsubscribe_url}}\">", Escaping::Html, "<a href=\"https://example.org/u?a=1&amp;b=2\">"},
        {"{{unsubscribe_mailto}}", Escaping::Plain, "mailto:u@example.org"},
        {"{{{name}}}", Escaping::Plain, "{Zo\xC3\xAB <\xC3\x98>}"},
        {"{{name", Escaping::Plain, "{{name"},
        {"{{name\n}}", Escaping::Plain, "{{name\n}}"},
        {"{{Name}}", Escaping::Plain, "{{Name}}"},  // names are lower case
        {"}}{{address}}{{", Escaping::Plain, "}}zoe@example.net{{"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.text);
        EXPECT_EQ(render(row.text, zoe(), row.escaping), row.want);
    }
}

TEST(PlaceholderText, FallbackOnlyForEmptyValues)
{
    Personalization nameless = zoe();
    nameless.name.clear();
    EXPECT_EQ(render("Dear {{name|reader}},", nameless, Escaping::Plain), "Dear reader,");
    EXPECT_EQ(render("Dear {{name|reader}},", zoe(), Escaping::Plain), "Dear Zo\xC3\xAB <\xC3\x98>,");
    // The fallback is template text: written as it is, also in HTML.
    EXPECT_EQ(render("{{name|<b>you</b>}}", nameless, Escaping::Html), "<b>you</b>");
    EXPECT_EQ(render("Dear {{name}},", nameless, Escaping::Plain), "Dear ,");
}

TEST(PlaceholderText, ValuesCannotBreakLines)
{
    Personalization evil = zoe();
    static const char kName[] = "Eve\r\nBcc: all@example.org\0x";
    evil.name.assign(kName, sizeof kName - 1);
    EXPECT_EQ(render("{{name}}", evil, Escaping::Plain), "Eve  Bcc: all@example.org x");
}

TEST(PlaceholderText, ReportsUnknownPlaceholders)
{
    std::vector<std::string> unknown;
    const PlaceholderText t = PlaceholderText::parse("Hi {{nickname}} {{name}} {{ shoe size|9 }}", &unknown);
    EXPECT_TRUE(t.hasSlots());
    EXPECT_EQ(unknown, (std::vector<std::string>{"{{nickname}}", "{{ shoe size|9 }}"}));
    EXPECT_FALSE(PlaceholderText::parse("only {{unknown}}").hasSlots());
    EXPECT_FALSE(PlaceholderText::literal("{{name}}").hasSlots());
}

} // namespace
} // namespace verpmail
