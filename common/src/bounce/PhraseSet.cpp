// PhraseSet: see the header.
#include "verpmail/bounce/PhraseSet.h"

#include "verpmail/bounce/TextScan.h"
#include "verpmail/util/Swar.h"

#include <algorithm>
#include <cstring>

// The short part's 16-position pre-filter needs SSSE3 (a byte shuffle as a table
// lookup), past the x86-64 baseline: compiled for it on its own, used where the
// processor has it, the byte-at-a-time filter elsewhere.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define VERPMAIL_PHRASESET_SSSE3 1
#include <immintrin.h>
#endif

namespace verpmail::bounce {

namespace {

// Under five bytes a window jumps at most two; the phrases under nine then go to
// the filter, so the window of the rest jumps up to seven (measured on the
// classifier's table: eight and ten did slightly worse).
constexpr std::size_t kSplitBelow = 5;
constexpr std::size_t kShortBelow = 9;

constexpr unsigned kSlotBits = 13;
constexpr unsigned kSlots = 1u << kSlotBits;

// A window of eight bytes or more is keyed by its last four bytes, a shorter one by
// its last three. Performance: with four, fewer of the text's blocks occur in some
// phrase (the classifier's table: English trigrams such as "ion" are in many), so
// the window stops less and jumps the longest more often, for one byte less of the
// longest jump: 0.33M fewer instructions per corpus pass of the classifier's
// search. A short window keeps three, its longest jump being short already.
constexpr std::size_t kFourByteBlocksFrom = 8;

// The bytes of the word p[0..3] that make its block: all four, or p[1..3] (p[0]
// read, not used: loading one word is cheaper than three bytes).
constexpr std::uint32_t blockMask(std::size_t block)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return block == 4 ? 0xffffffffu : 0x00ffffffu;
#else
    return block == 4 ? 0xffffffffu : 0xffffff00u;
#endif
}

// The slot of the block in the word at p (mask: blockMask). OR-ing 0x20 folds A-Z,
// and merges a few other byte pairs, which can only shorten a jump or add a
// comparison.
inline unsigned slotOfWord(const unsigned char* p, std::uint32_t mask)
{
    std::uint32_t x = 0;
    std::memcpy(&x, p, 4);
    x = (x | 0x20202020u) & mask;
    return (x * 2654435761u) >> (32 - kSlotBits);
}

// Up to eight bytes of p (zero past `left`), A-Z folded all at once.
inline std::uint64_t headAt(const unsigned char* p, std::size_t left)
{
    std::uint64_t x = 0;
    if (left >= 8)
        std::memcpy(&x, p, 8);
    else
        std::memcpy(&x, p, left);
    return swar::foldAsciiUpper(x);
}

// Whether text (at least phrase.size() bytes) starts with phrase from byte `from`
// on, eight bytes at a time.
bool sameFrom(const unsigned char* text, std::string_view phrase, std::size_t from)
{
    for (std::size_t i = from; i < phrase.size(); i += 8)
    {
        const std::size_t n = std::min<std::size_t>(phrase.size() - i, 8);
        std::uint64_t want = 0;
        std::memcpy(&want, phrase.data() + i, n);
        if (headAt(text + i, n) != want)
            return false;
    }
    return true;
}

// Whether the bytes of a phrase of more than sixteen bytes that its head and tail
// words leave out match: whole words from byte 8 on, all within the phrase (the
// tail word covers what the last one leaves).
bool sameMiddle(const unsigned char* text, std::string_view phrase)
{
    for (std::size_t i = 8; i + 8 < phrase.size(); i += 8)
        if (swar::foldAsciiUpper(swar::load8(text + i)) != swar::load8(phrase.data() + i))
            return false;
    return true;
}

// From p on, the first position q (q + 2 < n) where a short phrase may start by the
// three bytes there, its groups (startsWith: 3 * 256 masks) in `groups`; a position
// past n - 3 (groups 0) when none.
std::size_t nextShortStart(const unsigned char* t, std::size_t n, std::size_t p, const std::uint64_t* startsWith,
                           std::uint64_t& groups)
{
    const std::uint64_t* at0 = startsWith;
    const std::uint64_t* at1 = at0 + 256;
    const std::uint64_t* at2 = at0 + 512;
    auto groupsAt = [&](std::size_t q) { return at0[t[q]] & at1[t[q + 1]] & at2[t[q + 2]]; };
    // Four positions a round, one branch: hits are rare.
    while (p + 5 < n && (groupsAt(p) | groupsAt(p + 1) | groupsAt(p + 2) | groupsAt(p + 3)) == 0)
        p += 4;
    for (; p + 2 < n; ++p)
    {
        groups = groupsAt(p);
        if (groups != 0)
            return p;
    }
    groups = 0;
    return p;
}

constexpr unsigned kBuckets = 8;
constexpr std::size_t kNibbleTables = 3 * 32;

// 0: no pre-filter; 1: SSSE3, 16 positions a block; 2: AVX2 as well, 32 a block.
unsigned simdLevel()
{
#if defined(VERPMAIL_PHRASESET_SSSE3)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        return 2;
    return __builtin_cpu_supports("ssse3") ? 1 : 0;
#else
    return 0;
#endif
}

#if defined(VERPMAIL_PHRASESET_SSSE3)
// For the 16 bytes from at, the buckets of phrases that may have such a byte at
// one offset (low, high: that offset's tables by half).
__attribute__((target("ssse3"), always_inline)) inline __m128i bucketsOf(const unsigned char* at, __m128i low,
                                                                         __m128i high)
{
    const __m128i lowHalf = _mm_set1_epi8(0x0f);
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    return _mm_and_si128(_mm_shuffle_epi8(low, _mm_and_si128(v, lowHalf)),
                         _mm_shuffle_epi8(high, _mm_and_si128(_mm_srli_epi16(v, 4), lowHalf)));
}

// Of the positions flagged in maybe (bit i: position p + i), the first that the
// exact filter lets through (its groups in `groups`), or npos.
inline std::size_t firstExact(const unsigned char* t, std::size_t p, std::uint32_t maybe,
                              const std::uint64_t* startsWith, std::uint64_t& groups)
{
    for (; maybe != 0; maybe &= maybe - 1)
    {
        const std::size_t q = p + static_cast<unsigned>(__builtin_ctz(maybe));
        groups = startsWith[t[q]] & startsWith[256 + t[q + 1]] & startsWith[512 + t[q + 2]];
        if (groups != 0)
            return q;
    }
    return PhraseSet::npos;
}

// Performance: the short phrases' filter read three bytes and three masks for
// every position of the text (some 9 instructions a byte, the classifier's largest
// cost); here 16 positions are tried at once by their three bytes' halves (a
// shuffle each, looking up 16-entry tables), and only those that pass are tried by
// the exact filter. From p on (p + 2 < n, n >= 18), the first position that
// startsWith (3 * 256 masks, as _startsWith) lets through, its groups in `groups`;
// n - 2 (groups 0) when none does.
__attribute__((target("ssse3"), always_inline)) inline std::size_t nextShortStartBy16(
    const unsigned char* t, std::size_t n, std::size_t p, const std::uint8_t* nibbles, const std::uint64_t* startsWith,
    std::uint64_t& groups)
{
    __m128i low[3], high[3];
    for (int j = 0; j < 3; ++j)
    {
        low[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(nibbles + 32 * j));
        high[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(nibbles + 32 * j + 16));
    }
    while (p + 2 < n)
    {
        // The last block is the one ending at the last position with three bytes.
        const std::size_t block = std::min(p, n - 18);
        const unsigned char* at = t + block;
        const __m128i buckets = _mm_and_si128(bucketsOf(at, low[0], high[0]),
                                              _mm_and_si128(bucketsOf(at + 1, low[1], high[1]),
                                                            bucketsOf(at + 2, low[2], high[2])));
        const auto none = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(buckets, _mm_setzero_si128())));
        const std::size_t q = firstExact(t, p, (~none & 0xffffu) >> (p - block), startsWith, groups);
        if (q != PhraseSet::npos)
            return q;
        p = block + 16;
    }
    groups = 0;
    return p;
}

__attribute__((target("ssse3"))) std::size_t nextShortStartSsse3(const unsigned char* t, std::size_t n, std::size_t p,
                                                                const std::uint8_t* nibbles,
                                                                const std::uint64_t* startsWith, std::uint64_t& groups)
{
    return nextShortStartBy16(t, n, p, nibbles, startsWith, groups);
}

// As bucketsOf, for 32 bytes (the tables repeated in both halves of the register).
__attribute__((target("avx2"), always_inline)) inline __m256i bucketsOf32(const unsigned char* at, __m256i low,
                                                                          __m256i high)
{
    const __m256i lowHalf = _mm256_set1_epi8(0x0f);
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at));
    return _mm256_and_si256(_mm256_shuffle_epi8(low, _mm256_and_si256(v, lowHalf)),
                            _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(v, 4), lowHalf)));
}

// As nextShortStartSsse3, 32 positions a block while 34 bytes remain (then 16, the
// same code in AVX's three-operand form, which spares the table copies the SSSE3
// shuffle needs).
__attribute__((target("avx2"))) std::size_t nextShortStartAvx2(const unsigned char* t, std::size_t n, std::size_t p,
                                                              const std::uint8_t* nibbles,
                                                              const std::uint64_t* startsWith, std::uint64_t& groups)
{
    __m256i low[3], high[3];
    for (int j = 0; j < 3; ++j)
    {
        low[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(nibbles + 32 * j)));
        high[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(nibbles + 32 * j + 16)));
    }
    for (; p + 34 <= n; p += 32)
    {
        const unsigned char* at = t + p;
        const __m256i buckets = _mm256_and_si256(bucketsOf32(at, low[0], high[0]),
                                                 _mm256_and_si256(bucketsOf32(at + 1, low[1], high[1]),
                                                                  bucketsOf32(at + 2, low[2], high[2])));
        const auto none =
            static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(buckets, _mm256_setzero_si256())));
        const std::size_t q = firstExact(t, p, ~none, startsWith, groups);
        if (q != PhraseSet::npos)
            return q;
    }
    return nextShortStartBy16(t, n, p, nibbles, startsWith, groups);
}
#endif

} // namespace

PhraseSet::PhraseSet(std::vector<std::string_view> phrases) : _phrases(std::move(phrases))
{
    std::size_t shortest = 0;
    for (std::string_view p : _phrases)
        if (p.size() >= 2)
            shortest = shortest == 0 ? p.size() : std::min(shortest, p.size());
    if (shortest == 0)
        return;
    const std::size_t shortBelow = shortest < kSplitBelow ? kShortBelow : 0;
    auto entryOf = [&](std::size_t i) {
        Entry e;
        const std::string_view p = _phrases[i];
        const std::size_t n = std::min<std::size_t>(p.size(), 8);
        std::memcpy(&e.head, p.data(), n);
        std::memset(&e.mask, 0xff, n);
        if (p.size() > 8)
            std::memcpy(&e.tail, p.data() + p.size() - 8, 8);
        e.index = static_cast<std::uint32_t>(i);
        e.size = static_cast<std::uint32_t>(p.size());
        return e;
    };

    // Short part: runs of consecutive short phrases, so that groups taken by
    // increasing bit are phrases by increasing index.
    std::vector<std::size_t> shortOnes;
    for (std::size_t i = 0; i < _phrases.size(); ++i)
        if (_phrases[i].size() >= 2 && _phrases[i].size() < shortBelow)
            shortOnes.push_back(i);
    if (!shortOnes.empty())
    {
        _startsWith.assign(3 * 256, 0);
        _groupStart.assign(kGroups + 1, 0);
        const std::size_t count = shortOnes.size();
        for (std::size_t k = 0; k < count; ++k)
        {
            const std::size_t group = count > kGroups ? k * kGroups / count : k;
            const std::uint64_t bit = std::uint64_t{1} << group;
            const std::string_view p = _phrases[shortOnes[k]];
            _short.push_back(entryOf(shortOnes[k]));
            ++_groupStart[group + 1];
            if (p.size() == 2)
                _twoByteGroups |= bit;
            for (std::size_t j = 0; j < 3; ++j)
                for (unsigned c = 0; c < 256; ++c)
                    if (j >= p.size() || foldByte(static_cast<unsigned char>(c)) == static_cast<unsigned char>(p[j]))
                        _startsWith[j * 256 + c] |= bit;
        }
        for (unsigned g = 0; g < kGroups; ++g)
            _groupStart[g + 1] += _groupStart[g];
        _simd = static_cast<std::uint8_t>(simdLevel());
        if (_simd != 0)
            fillNibbles(shortOnes);
    }

    // Long part.
    for (std::string_view p : _phrases)
        if (p.size() >= std::max<std::size_t>(shortBelow, 2))
            _window = _window == 0 ? p.size() : std::min(_window, p.size());
    if (_window == 0)
        return;
    // Jumps stay below 256; a longer window only jumps less far than it could.
    _window = std::min<std::size_t>(_window, 255);
    auto isLong = [&](std::string_view p) { return p.size() >= _window; };
    const std::size_t block = _window >= kFourByteBlocksFrom ? 4 : 3;
    _blockMask = blockMask(block);
    // A window whose last block occurs in no phrase's prefix moves past that block.
    _longestJump = static_cast<std::uint8_t>(_window - block + 1);
    // The slot of the block that ends at p[j] (j >= block - 1).
    auto slotEnding = [&](std::string_view p, std::size_t j) {
        unsigned char word[4] = {0, 0, 0, 0};
        std::memcpy(word + 4 - block, p.data() + j + 1 - block, block);
        return slotOfWord(word, _blockMask);
    };
    _shift.assign(kSlots, _longestJump);
    _bucketStart.assign(kSlots + 1, 0);
    for (std::string_view p : _phrases)
    {
        if (!isLong(p))
            continue;
        // A block that ends k bytes before the window's end lets the window move k.
        for (std::size_t j = block - 1; j < _window; ++j)
        {
            const unsigned s = slotEnding(p, j);
            _shift[s] = std::min(_shift[s], static_cast<std::uint8_t>(_window - 1 - j));
        }
        ++_bucketStart[slotEnding(p, _window - 1) + 1];
    }
    // A sparse jump table is mostly the longest jump: its 1 KB bitmap of the other
    // slots stays in the cache between calls where the 8 KB table would not (the
    // table's load was most of a jump's time), and is read instead.
    if (_window > 2)
    {
        std::size_t shorter = 0;
        for (unsigned s = 0; s < kSlots; ++s)
            shorter += _shift[s] < _longestJump;
        if (shorter * 8 < kSlots)
        {
            _mayStop.assign(kSlots / 64, 0);
            for (unsigned s = 0; s < kSlots; ++s)
                if (_shift[s] < _longestJump)
                    _mayStop[s / 64] |= std::uint64_t{1} << (s % 64);
        }
    }
    // Buckets (counting sort, so each bucket lists its phrases by index).
    for (unsigned s = 0; s < kSlots; ++s)
        _bucketStart[s + 1] = static_cast<std::uint16_t>(_bucketStart[s + 1] + _bucketStart[s]);
    _bucket.resize(_bucketStart[kSlots]);
    std::vector<std::uint32_t> fill(_bucketStart.begin(), _bucketStart.end() - 1);
    for (std::size_t i = 0; i < _phrases.size(); ++i)
        if (isLong(_phrases[i]))
            _bucket[fill[slotEnding(_phrases[i], _window - 1)]++] = entryOf(i);
}

// The short phrases' buckets for the 16-position pre-filter. Any split is right
// (the exact filter decides), but a bucket passes every combination of the byte
// halves its phrases have at each offset: each phrase (by index) joins the bucket
// whose combinations it adds fewest to, so that few positions pass.
void PhraseSet::fillNibbles(const std::vector<std::size_t>& shortOnes)
{
    struct Halves
    {
        std::uint16_t low[3] = {0, 0, 0};
        std::uint16_t high[3] = {0, 0, 0};
    };
    auto combinations = [](const Halves& h) {
        std::uint64_t product = 1;
        for (int j = 0; j < 3; ++j)
            product *= static_cast<std::uint64_t>(__builtin_popcount(h.low[j]) * __builtin_popcount(h.high[j]));
        return product;
    };
    auto joined = [](Halves a, const Halves& b) {
        for (int j = 0; j < 3; ++j)
        {
            a.low[j] |= b.low[j];
            a.high[j] |= b.high[j];
        }
        return a;
    };
    Halves buckets[kBuckets];
    for (std::size_t i : shortOnes)
    {
        const std::string_view p = _phrases[i];
        Halves mine;
        for (std::size_t j = 0; j < 3; ++j)
            for (unsigned c = 0; c < 256; ++c)
                if (j >= p.size() || foldByte(static_cast<unsigned char>(c)) == static_cast<unsigned char>(p[j]))
                {
                    mine.low[j] |= static_cast<std::uint16_t>(1u << (c & 15));
                    mine.high[j] |= static_cast<std::uint16_t>(1u << (c >> 4));
                }
        unsigned best = 0;
        std::uint64_t bestAdded = ~std::uint64_t{0};
        for (unsigned b = 0; b < kBuckets; ++b)
        {
            const std::uint64_t added = combinations(joined(buckets[b], mine)) - combinations(buckets[b]);
            if (added < bestAdded)
            {
                best = b;
                bestAdded = added;
            }
        }
        buckets[best] = joined(buckets[best], mine);
    }
    _nibbles.assign(kNibbleTables, 0);
    for (unsigned b = 0; b < kBuckets; ++b)
        for (int j = 0; j < 3; ++j)
            for (unsigned half = 0; half < 16; ++half)
            {
                if ((buckets[b].low[j] >> half) & 1)
                    _nibbles[32 * j + half] |= static_cast<std::uint8_t>(1u << b);
                if ((buckets[b].high[j] >> half) & 1)
                    _nibbles[32 * j + 16 + half] |= static_cast<std::uint8_t>(1u << b);
            }
}

bool PhraseSet::matchesAt(std::string_view text, std::size_t pos, std::size_t index) const
{
    const std::string_view p = _phrases[index];
    if (pos > text.size() || text.size() - pos < p.size())
        return false;
    return sameFrom(reinterpret_cast<const unsigned char*>(text.data()) + pos, p, 0);
}

PhraseSet::Cursor PhraseSet::start(std::string_view text) const
{
    Cursor c;
    c.text = reinterpret_cast<const unsigned char*>(text.data());
    c.size = text.size();
    c.longEnd = _window == 0 ? c.size : _window - 1;
    c.shortPos = _startsWith.empty() ? c.size : 0;
    return c;
}

// Where a long phrase may end from `end` on (n when nowhere): a window whose last
// three bytes end no phrase's prefix jumps.
inline std::size_t PhraseSet::nextWindowEnd(const unsigned char* t, std::size_t n, std::size_t end, unsigned& slot) const
{
    if (!_mayStop.empty())
    {
        const std::size_t far = _longestJump;
        while (end < n)
        {
            slot = slotOfWord(t + end - 3, _blockMask);
            if (((_mayStop[slot >> 6] >> (slot & 63)) & 1) == 0)
            {
                end += far;
                continue;
            }
            const std::uint8_t jump = _shift[slot];
            if (jump == 0)
                return end;
            end += jump;
        }
        return n;
    }
    while (end < n)
    {
        slot = slotOfWord(t + end - 3, _blockMask);
        const std::uint8_t jump = _shift[slot];
        if (jump == 0)
            return end;
        end += jump;
    }
    return n;
}

inline bool PhraseSet::entryMatches(const Entry& e, std::uint64_t head, const unsigned char* t, std::size_t n,
                                    std::size_t start) const
{
    if ((head & e.mask) != e.head || e.size > n - start)
        return false;
    if (e.size <= 8)
        return true;
    const unsigned char* at = t + start;
    return swar::foldAsciiUpper(swar::load8(at + e.size - 8)) == e.tail &&
           (e.size <= 16 || sameMiddle(at, _phrases[e.index]));
}

// The next match of the long phrases: where one may end, its bucket is compared.
PhraseSet::Match PhraseSet::nextLong(Cursor& c) const
{
    const unsigned char* t = c.text;
    const std::size_t n = c.size;
    for (;;)
    {
        while (c.longEntry < c.longEntryEnd)
        {
            const Entry& e = _bucket[c.longEntry++];
            if (entryMatches(e, c.longHead, t, n, c.longStart))
                return {e.index, c.longStart};
        }
        unsigned s = 0;
        const std::size_t end = nextWindowEnd(t, n, c.longEnd, s);
        if (end >= n)
        {
            c.longEnd = n;
            return {};
        }
        c.longStart = end + 1 - _window;
        c.longEnd = end + 1;
        c.longEntry = _bucketStart[s];
        c.longEntryEnd = _bucketStart[s + 1];
        c.longHead = headAt(t + c.longStart, n - c.longStart);
    }
}

// The next match of the short phrases: each position's first three bytes pick the
// groups that may start there, mostly none.
PhraseSet::Match PhraseSet::nextShort(Cursor& c) const
{
    if (_short.empty())
        return {};
    const unsigned char* t = c.text;
    const std::size_t n = c.size;
    for (;;)
    {
        for (;;)
        {
            while (c.shortEntry < c.shortEntryEnd)
            {
                const Entry& e = _short[c.shortEntry++];
                if (entryMatches(e, c.shortHead, t, n, c.shortStart))
                    return {e.index, c.shortStart};
            }
            if (c.shortGroups == 0)
                break;
            const auto g = static_cast<unsigned>(__builtin_ctzll(c.shortGroups));
            c.shortGroups &= c.shortGroups - 1;
            c.shortEntry = _groupStart[g];
            c.shortEntryEnd = _groupStart[g + 1];
        }
        const std::uint64_t* at0 = _startsWith.data();
        std::uint64_t groups = 0;
        std::size_t p = c.shortPos;
#if defined(VERPMAIL_PHRASESET_SSSE3)
        if (_simd == 2 && n >= 18)
            p = nextShortStartAvx2(t, n, p, _nibbles.data(), at0, groups);
        else if (_simd == 1 && n >= 18)
            p = nextShortStartSsse3(t, n, p, _nibbles.data(), at0, groups);
        else
#endif
            p = nextShortStart(t, n, p, at0, groups);
        if (groups == 0 && p + 2 == n)
            groups = at0[t[p]] & at0[256 + t[p + 1]] & _twoByteGroups;
        if (groups == 0)
        {
            c.shortPos = n;
            return {};
        }
        c.shortStart = p;
        c.shortPos = p + 1;
        c.shortGroups = groups;
        c.shortHead = headAt(t + p, n - p);
    }
}

PhraseSet::Match PhraseSet::next(Cursor& c) const
{
    if (_short.empty())
        return nextLong(c);
    if (_window == 0)
        return nextShort(c);
    if (c.longTaken)
    {
        c.longNext = nextLong(c);
        c.longTaken = false;
    }
    if (c.shortTaken)
    {
        c.shortNext = nextShort(c);
        c.shortTaken = false;
    }
    const Match& a = c.longNext;
    const Match& b = c.shortNext;
    if (a.pos < b.pos || (a.pos == b.pos && a.index < b.index))
    {
        c.longTaken = true;
        return a;
    }
    if (!b)
        return {};
    c.shortTaken = true;
    return b;
}

PhraseSet::Match PhraseSet::findEarliest(std::string_view text) const
{
    // Most calls are on one short line of a table without short phrases: no cursor.
    if (_short.empty())
    {
        const auto* t = reinterpret_cast<const unsigned char*>(text.data());
        const std::size_t n = text.size();
        if (_window == 0 || n < _window)
            return {};
        unsigned s = 0;
        for (std::size_t end = nextWindowEnd(t, n, _window - 1, s); end < n; end = nextWindowEnd(t, n, end + 1, s))
        {
            const std::size_t start = end + 1 - _window;
            const std::uint64_t head = headAt(t + start, n - start);
            for (std::uint32_t i = _bucketStart[s]; i < _bucketStart[s + 1]; ++i)
                if (entryMatches(_bucket[i], head, t, n, start))
                    return {_bucket[i].index, start};
        }
        return {};
    }
    Cursor cursor = start(text);
    return next(cursor);
}

PhraseSet::Match PhraseSet::findLowestIndex(std::string_view text) const
{
    Match found;
    forEach(text, [&](std::size_t pos, std::size_t index) {
        if (index < found.index)
            found = {index, pos};
        return found.index != 0;
    });
    return found;
}

} // namespace verpmail::bounce
