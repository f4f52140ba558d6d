// Printable, Json and Hmac: small utilities with hand-written expectations.
#include "verpmail/util/Hmac.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <gtest/gtest.h>

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

// Every kind of byte that needs an escape or a replacement, at the start, middle and
// end of a text.
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

TEST(Json, WritesNestedStructures)
{
    JsonWriter j;
    j.beginObject().key("a").value(1).key("b").beginArray().value("x").null().value(true).endArray();
    j.key("c").beginObject().endObject().key("d").beginArray().value(2.5).value(0.0 / 0.0).value(false);
    j.value(std::uint64_t{7}).endArray().endObject();
    EXPECT_EQ(j.str(), R"({"a":1,"b":["x",null,true],"c":{},"d":[2.500,null,false,7]})");
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
    // Wikipedia's HMAC example, RFC 4231 test cases 2 and 6 (a key longer than a
    // block is hashed first), and the empty key and message.
    EXPECT_EQ(hex(hmacSha256("key", "The quick brown fox jumps over the lazy dog")),
              "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    EXPECT_EQ(hex(hmacSha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(hex(hmacSha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    EXPECT_EQ(hex(hmacSha256({}, {})), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

} // namespace
} // namespace verpmail
