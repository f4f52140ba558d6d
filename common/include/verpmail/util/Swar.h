// Swar: eight bytes of text tested at once in one 64-bit word ("SIMD within a
// register"). The parser's scanners read long runs of ordinary bytes looking for a
// few special ones (white space, CR, a colon, upper-case letters); a byte at a time
// that cost a load, a compare and a branch each.
//
//   const std::uint64_t w = swar::load8(p);
//   if (const std::uint64_t cr = swar::bytesEqual(w, '\r'))
//       return p + swar::firstByte(cr);
//
// A mask has the high bit (0x80) of each flagged byte set, in the word's own byte
// order, so masks combine with | and &.
#pragma once

#include <cstdint>
#include <cstring>

namespace verpmail::swar {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHigh = 0x8080808080808080ULL;

inline std::uint64_t load8(const void* p)
{
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    return x;
}

inline void store8(void* p, std::uint64_t x)
{
    std::memcpy(p, &x, 8);
}

/// Bytes of x below n (1 <= n <= 0x80). Only the least significant flagged byte is
/// sure: a borrow can flag bytes more significant than it falsely. On a little-endian
/// machine that is the first flagged byte in memory, which is what scanners want.
constexpr std::uint64_t bytesBelow(std::uint64_t x, unsigned char n)
{
    return (x - n * kOnes) & ~x & kHigh;
}

/// Bytes of x equal to c, exactly (no borrow crosses a byte).
constexpr std::uint64_t bytesEqual(std::uint64_t x, unsigned char c)
{
    const std::uint64_t t = x ^ (c * kOnes);
    return ~(((t & ~kHigh) + ~kHigh) | t) & kHigh;
}

/// x with ASCII A-Z lower-cased and every other byte as it was: the high bit of a
/// byte in 'A'..'Z', shifted down two, is the 0x20 to add.
constexpr std::uint64_t foldAsciiUpper(std::uint64_t x)
{
    const std::uint64_t low = x & ~kHigh;
    const std::uint64_t upper = ((low + 0x3f * kOnes) ^ (low + 0x25 * kOnes)) & ~x & kHigh;
    return x | (upper >> 2);
}

/// Offset in memory (0..7) of the first flagged byte of an exact, non-zero mask
/// (bytesEqual's, or any mask on a little-endian machine).
inline unsigned firstByte(std::uint64_t mask)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return static_cast<unsigned>(__builtin_clzll(mask)) >> 3;
#else
    return static_cast<unsigned>(__builtin_ctzll(mask)) >> 3;
#endif
}

} // namespace verpmail::swar
