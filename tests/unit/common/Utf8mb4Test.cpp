// Utf8mb4: the cleaning of any bytes into what MariaDB's utf8mb4 accepts, by table
// (the server's own answers are checked in tests/integration/Utf8mb4ServerTest.cpp).
#include "verpmail/util/Utf8mb4.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace verpmail {
namespace {

const std::string R(kReplacementCharacter);

TEST(Utf8mb4, KeepsEverySequenceTheServerAccepts)
{
    const char* kept[] = {
        "",
        "plain ASCII, tabs\tand\nnewlines",
        "\xC2\x80",                              // U+0080, the first two-byte form
        "\xDF\xBF",                              // U+07FF
        "\xE0\xA0\x80",                          // U+0800, the first three-byte form
        "\xED\x9F\xBF",                          // U+D7FF, before the surrogates
        "\xED\xA0\x80",                          // U+D800, an encoded surrogate: the server takes it
        "\xED\xBF\xBF",                          // U+DFFF
        "\xEF\xB7\x90",                          // U+FDD0, a noncharacter
        "\xEF\xBF\xBE",                          // U+FFFE, a noncharacter
        "\xEF\xBF\xBF",                          // U+FFFF
        "\xF0\x90\x80\x80",                      // U+10000, the first four-byte form
        "\xF0\x9F\x98\x80",                      // U+1F600
        "\xF4\x8F\xBF\xBF",                      // U+10FFFF, the last code point
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xA7",
    };
    for (const char* text : kept) {
        EXPECT_EQ(toUtf8mb4(text), text) << text;
    }
    const std::string nul("a\0b", 3);  // U+0000 is a character to the server
    EXPECT_EQ(toUtf8mb4(nul), nul);
}

TEST(Utf8mb4, ReplacesEachMaximalIllFormedPartByOneReplacementCharacter)
{
    const struct
    {
        std::string in;
        std::string out;
    } cases[] = {
        {"\x80", R},                                  // a lone continuation byte
        {"\xBF\x80", R + R},                          // two of them: one each
        {"\xC0\x80", R + R},                          // C0: an overlong NUL; starts nothing
        {"\xC1\xBF", R + R},                          // C1: overlong
        {"\xC2", R},                                  // cut short at the end
        {"\xC2x", R + "x"},                           // cut short by ASCII, which is kept
        {"\xE0\x80\x80", R + R + R},                  // overlong three-byte form: E0 needs A0..BF
        {"\xE0\x9F\xBF", R + R + R},
        {"\xE0\xA0", R},                              // a start and its fitting byte: one part
        {"\xE0\xA0x", R + "x"},
        {"\xE1\x80\xC3\xA9", R + "\xC3\xA9"},         // broken off by a new sequence, which is kept
        {"\xF0\x80\x80\x80", R + R + R + R},          // overlong four-byte form: F0 needs 90..BF
        {"\xF0\x8F\xBF\xBF", R + R + R + R},
        {"\xF0\x90\x80", R},                          // three of four bytes
        {"\xF4\x90\x80\x80", R + R + R + R},          // U+110000: past the last code point
        {"\xF5\x80\x80\x80", R + R + R + R},          // F5..FF start nothing
        {"\xF8\x88\x80\x80\x80", R + R + R + R + R},  // the old five-byte form
        {"\xFE", R},
        {"\xFF", R},
        {"a\xFF" "b", "a" + R + "b"},
        {"X-Verpmail-Campaign: spring\xE9", "X-Verpmail-Campaign: spring" + R},  // Latin-1
    };
    for (const auto& c : cases) {
        EXPECT_NE(toUtf8mb4(c.in), c.in) << c.in;
        EXPECT_EQ(toUtf8mb4(c.in), c.out) << c.in;
        EXPECT_EQ(toUtf8mb4(toUtf8mb4(c.in)), toUtf8mb4(c.in)) << c.in;
    }
}

TEST(Utf8mb4, CleaningAnyBytesGivesTextThatCleaningKeeps)
{
    std::mt19937 random(20261207);
    for (int round = 0; round < 20000; ++round) {
        std::string bytes(random() % 24, '\0');
        for (char& b : bytes)  // bias toward the bytes where the rules are
            b = static_cast<char>(random() % 4 == 0 ? random() % 128 : 0x80 + random() % 128);
        const std::string clean = toUtf8mb4(bytes);
        ASSERT_EQ(toUtf8mb4(clean), clean) << round;
        for (const char c : clean)   // no byte that can never start or continue a sequence
            ASSERT_TRUE(static_cast<unsigned char>(c) < 0xF5 && (static_cast<unsigned char>(c) & 0xFE) != 0xC0) << round;
    }
}

TEST(Utf8mb4, PrefixNeverEndsInsideASequence)
{
    const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // 1 + 2 + 3 + 4 bytes
    const std::size_t expected[] = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 10};
    for (std::size_t max = 0; max < 12; ++max)
        EXPECT_EQ(utf8Prefix(text, max).size(), expected[max]) << max;
}

} // namespace
} // namespace verpmail
