// Printable, Json and Hmac: small utilities with hand-written expectations.
#include "verpmail/util/Hmac.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include <string>
#include <vector>

namespace verpmail {
namespace {

TEST(Printable, MasksControlAndNonAsciiBytes)
{
    EXPECT_EQ(printable("ok text"), "ok text");
    EXPECT_EQ(printable("a\nb\rc\x1b[31md"), "a?b?c?[31md");
    EXPECT_EQ(printable("caf\xC3\xA9"), "caf??");
    EXPECT_EQ(printable(std::string(300, 'x'), 10), "xxxxxxx...");
    EXPECT_EQ(printable(""), "");
}

TEST(Json, EscapesAndReplacesInvalidUtf8)
{
    std::string out;
    appendJsonString(out, "q\"b\\n\n\x01 \xC3\xA9 \xFF");
    EXPECT_EQ(out, "\"q\\\"b\\\\n\\n\\u0001 \xC3\xA9 \xEF\xBF\xBD\"");
}

struct JsonStringCase
{
    std::string in;
    std::string out;  // without the surrounding quotes
};

// appendJsonString copies runs of plain bytes in bulk; every kind of byte that ends a
// run, at the start, middle and end of a text, must still come out as it did.
TEST(Json, EscapesEveryKindOfByteAtAnyPosition)
{
    const std::string longRun(5000, 'x');
    const std::vector<JsonStringCase> cases = {
        {"", ""},
        {"plain text, no escapes", "plain text, no escapes"},
        {longRun, longRun},
        {longRun + "\"" + longRun, longRun + "\\\"" + longRun},
        {"\"", "\\\""},
        {"\\", "\\\\"},
        {"a\"b\\c", "a\\\"b\\\\c"},
        {"\"\"\\\\", "\\\"\\\"\\\\\\\\"},
        {"\n\r\t", "\\n\\r\\t"},
        {std::string("\0", 1), "\\u0000"},
        {std::string("a\0b", 3), "a\\u0000b"},
        {"\x01\x08\x0b\x0c\x1f", "\\u0001\\u0008\\u000b\\u000c\\u001f"},
        {"x\x7fy", "x\\u007fy"},
        {"~ ", "~ "},
        // A plain start of 7, 8 and 9 bytes: the first escape after the plain scan.
        {"abcdefg\"", "abcdefg\\\""},
        {"abcdefgh\n", "abcdefgh\\n"},
        {"abcdefghi\xC3\xA9\x01", "abcdefghi\xC3\xA9\\u0001"},
        {"caf\xC3\xA9", "caf\xC3\xA9"},
        {"\xE2\x82\xAC" "5", "\xE2\x82\xAC" "5"},
        {"\xF0\x9F\x98\x80!", "\xF0\x9F\x98\x80!"},
        {"\xFF", "\xEF\xBF\xBD"},
        {"a\x80z", "a\xEF\xBF\xBDz"},
        {"\xC3", "\xEF\xBF\xBD"},                    // text ends inside a sequence
        {"\xE2\x82", "\xEF\xBF\xBD\xEF\xBF\xBD"},    // each byte of a cut sequence
        {"\xC3(", "\xEF\xBF\xBD("},                  // bad continuation byte
        {"\xF8\x88\x80\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {longRun + "\xC3\xA9\n" + longRun + "\xFF", longRun + "\xC3\xA9\\n" + longRun + "\xEF\xBF\xBD"},
    };
    for (const JsonStringCase& c : cases) {
        std::string out = "prefix";
        appendJsonString(out, c.in);
        EXPECT_EQ(out, "prefix\"" + c.out + "\"") << printable(c.in, 60);
    }
}

/// JSON string escaping one byte at a time, as RFC 8259 and the writer's rules for
/// invalid UTF-8 say: the model the bulk copies of appendJsonString are held to.
std::string modelJsonString(const std::string& in)
{
    std::string out = "\"";
    for (std::size_t i = 0; i < in.size();) {
        const auto c = static_cast<unsigned char>(in[i]);
        std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        for (std::size_t k = 1; len > 1 && k < len; ++k)
            if (i + k >= in.size() || (static_cast<unsigned char>(in[i + k]) & 0xC0) != 0x80)
                len = 0;
        if (len == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        if (len > 1) {
            out.append(in, i, len);
            i += len;
            continue;
        }
        char escaped[8];
        if (c == '"' || c == '\\')
            out += {'\\', static_cast<char>(c)};
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7f) {
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else
            out += static_cast<char>(c);
        ++i;
    }
    return out + "\"";
}

// Plain runs are copied 16 and 8 bytes at a time: random texts put every kind of
// byte at every offset of those blocks, and at the text's end.
TEST(Json, AgreesWithAByteAtATimeModelOnRandomTexts)
{
    static const std::vector<std::string> pieces = {
        "\"", "\\", "\n", "\r", "\t", std::string("\0", 1), "\x01", "\x1f", "\x7f", "~", " ",
        "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC3", "\xE2\x82", "\xFF", "\x80", "\xC3(",
    };
    std::mt19937 rng(112233);
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        const std::size_t length = rng() % 80;
        while (text.size() < length)
            text += rng() % 3 != 0 ? std::string(1 + rng() % 20, static_cast<char>('a' + rng() % 26))
                                   : pieces[rng() % pieces.size()];
        text.resize(length);
        std::string out = "x";
        appendJsonString(out, text);
        ASSERT_EQ(out, "x" + modelJsonString(text)) << printable(text, 100);
    }
}

TEST(Json, WritesNestedStructures)
{
    JsonWriter j;
    j.beginObject().key("a").value(1).key("b").beginArray().value("x").null().value(true).endArray();
    j.key("c").beginObject().endObject().endObject();
    EXPECT_EQ(j.str(), R"({"a":1,"b":["x",null,true],"c":{}})");
}

std::string hex(const Sha256Digest& d)
{
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : d) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

TEST(Hmac, MatchesKnownVectors)
{
    // Wikipedia's HMAC example and RFC 4231 test case 2.
    EXPECT_EQ(hex(hmacSha256("key", "The quick brown fox jumps over the lazy dog")),
              "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    EXPECT_EQ(hex(hmacSha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

} // namespace
} // namespace verpmail
