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

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/// The first c in [p, end), or end: memchr for the short spans of line walkers, where
/// [begin, end) may be read (begin <= p: the whole text the walker is in).
/// Performance: most spans searched are a line (a header field, a line of a report,
/// tens of bytes), and memchr, a call with a setup for long runs and some three
/// mispredicted branches on spans of varying length, was the largest single item of
/// a parse's wall time. Here the 64 bytes from p (or the last 64 of the text, those
/// before p ignored) are compared at once, without a branch, into a bit per byte:
/// one test finds a short line's end. A longer span is left to memchr from there.
/// SSE2 is part of every x86-64; elsewhere memchr does it all.
inline const char* findByte(const char* begin, const char* p, const char* end, char c)
{
#if defined(__SSE2__)
    if (end - begin >= 64 && p != end)
    {
        const char* const window = end - p >= 64 ? p : end - 64;
        const __m128i needle = _mm_set1_epi8(c);
        const auto bits = [&](int offset) {
            return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(
                _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(window + offset)), needle))));
        };
        const std::uint64_t hits = (bits(0) | bits(16) << 16 | bits(32) << 32 | bits(48) << 48) >> (p - window);
        if (hits != 0)
            return p + __builtin_ctzll(hits);
        if (end - p <= 64)
            return end;
        p += 64;
    }
#else
    (void)begin;
#endif
    const void* const hit = std::memchr(p, c, static_cast<std::size_t>(end - p));
    return hit ? static_cast<const char*>(hit) : end;
}

} // namespace verpmail::swar
