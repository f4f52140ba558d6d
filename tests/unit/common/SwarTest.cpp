// SwarTest: the eight-bytes-at-once helpers against a byte at a time, at every offset.
#include "verpmail/util/Swar.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>


using namespace verpmail;

TEST(Swar, MatchesAByteAtATime)
{
    // Every byte value at every one of the eight offsets, among neighbours that are
    // flagged (to catch borrows) or not.
    for (const int filler : {int{'a'}, int{'Z'}, 0, int{'\r'}, 0xff})
        for (int offset = 0; offset < 8; ++offset)
            for (int value = 0; value < 256; ++value)
            {
                unsigned char bytes[8];
                for (unsigned char& b : bytes)
                    b = static_cast<unsigned char>(filler);
                bytes[offset] = static_cast<unsigned char>(value);
                const std::uint64_t w = swar::load8(bytes);

                unsigned firstCr = 8, firstBelow = 8;
                for (unsigned i = 0; i < 8; ++i)
                {
                    if (bytes[i] == '\r' && firstCr == 8)
                        firstCr = i;
                    if (bytes[i] < 0x21 && firstBelow == 8)
                        firstBelow = i;
                }
                const std::uint64_t cr = swar::bytesEqual(w, '\r');
                ASSERT_EQ(cr == 0, firstCr == 8) << value << " at " << offset;
                if (cr != 0)
                {
                    ASSERT_EQ(swar::firstByte(cr), firstCr) << value << " at " << offset;
                }
                const std::uint64_t below = swar::bytesBelow(w, 0x21);
                ASSERT_EQ(below == 0, firstBelow == 8) << value << " at " << offset;
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                if (below != 0)
                {
                    ASSERT_EQ(swar::firstByte(below), firstBelow) << value << " at " << offset;
                }
#endif
                unsigned char folded[8];
                swar::store8(folded, swar::foldAsciiUpper(w));
                for (unsigned i = 0; i < 8; ++i)
                {
                    const unsigned char want = bytes[i] >= 'A' && bytes[i] <= 'Z' ? bytes[i] + 0x20 : bytes[i];
                    ASSERT_EQ(folded[i], want) << value << " at " << offset << ", byte " << i;
                }
            }
}

TEST(Swar, FindByteMatchesMemchr)
{
    // Every span length either side of the 64-byte window, in texts shorter and longer
    // than it, the byte at every offset or absent, with the byte itself just outside
    // the span on both sides (the window reads before the span when near the end of
    // the text, and must not report it).
    std::mt19937 random(20261123);
    std::vector<char> buffer(300);
    for (std::size_t length = 0; length <= 200; ++length)
        for (std::size_t at = 0; at <= length; ++at)
            for (int round = 0; round < 3; ++round)
            {
                for (char& b : buffer)
                    b = static_cast<char>(random() % 3 == 0 ? '\n' + 1 : 'a' + random() % 26);
                // The text starts at front, the span some bytes into it (or at its start).
                const std::size_t front = 8 + random() % 8;
                char* const begin = buffer.data() + front + (round == 1 ? 0 : 1 + random() % 70);
                begin[-1] = '\n';
                begin[length] = '\n';
                for (std::size_t i = 0; i < length; ++i)
                    if (begin[i] == '\n')
                        begin[i] = 'x';
                if (at < length)
                    begin[at] = '\n';
                if (round == 2 && at + 3 < length)
                    begin[at + 3] = '\n';   // a second one after the first
                const void* hit = std::memchr(begin, '\n', length);
                const char* const expected = hit ? static_cast<const char*>(hit) : begin + length;
                ASSERT_EQ(swar::findByte(buffer.data() + front, begin, begin + length, '\n'), expected)
                    << length << " " << at;
            }
}
