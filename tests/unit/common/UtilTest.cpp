// Printable, Json and Hmac: small utilities with hand-written expectations.
#include "verpmail/util/Hmac.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <gtest/gtest.h>

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
