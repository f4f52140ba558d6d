// PhraseSet: see the header.
#include "verpmail/bounce/PhraseSet.h"

#include "verpmail/bounce/TextScan.h"
#include "verpmail/util/Swar.h"

#include <algorithm>
#include <cstring>

namespace verpmail::bounce {

namespace {

// Under five bytes a window jumps at most two; the phrases under nine then go to
// the filter, so the window of the rest jumps up to seven (measured on the
// classifier's table: eight and ten did slightly worse).
constexpr std::size_t kSplitBelow = 5;
constexpr std::size_t kShortBelow = 9;

constexpr unsigned kSlotBits = 13;
constexpr unsigned kSlots = 1u << kSlotBits;

// The slot of the three bytes at p[1..3] (p[0] is read, not used: loading one word
// is cheaper than three bytes). OR-ing 0x20 folds A-Z, and merges a few other byte
// pairs, which can only shorten a jump or add a comparison.
inline unsigned slotOfWord(const unsigned char* p)
{
    std::uint32_t x = 0;
    std::memcpy(&x, p, 4);
    x |= 0x20202020u;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x <<= 8;
#else
    x >>= 8;
#endif
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
    // The slot of the block of three that ends at p[j] (j >= 2).
    auto slotEnding = [](std::string_view p, std::size_t j) {
        unsigned char word[4] = {0, 0, 0, 0};
        std::memcpy(word + 1, p.data() + j - 2, 3);
        return slotOfWord(word);
    };
    _shift.assign(kSlots, static_cast<std::uint8_t>(_window - 2));
    _bucketStart.assign(kSlots + 1, 0);
    for (std::string_view p : _phrases)
    {
        if (!isLong(p))
            continue;
        // A block that ends k bytes before the window's end lets the window move k.
        for (std::size_t j = 2; j < _window; ++j)
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
            shorter += _shift[s] < _window - 2;
        if (shorter * 8 < kSlots)
        {
            _mayStop.assign(kSlots / 64, 0);
            for (unsigned s = 0; s < kSlots; ++s)
                if (_shift[s] < _window - 2)
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
        const std::size_t far = _window - 2;
        while (end < n)
        {
            slot = slotOfWord(t + end - 3);
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
        slot = slotOfWord(t + end - 3);
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
    return (head & e.mask) == e.head && e.size <= n - start && (e.size <= 8 || sameFrom(t + start, _phrases[e.index], 8));
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
        const std::uint64_t* at1 = at0 + 256;
        const std::uint64_t* at2 = at0 + 512;
        std::size_t p = c.shortPos;
        auto groupsAt = [&](std::size_t q) { return at0[t[q]] & at1[t[q + 1]] & at2[t[q + 2]]; };
        // Four positions a round, one branch: hits are rare.
        while (p + 5 < n && (groupsAt(p) | groupsAt(p + 1) | groupsAt(p + 2) | groupsAt(p + 3)) == 0)
            p += 4;
        std::uint64_t groups = 0;
        while (p + 2 < n)
        {
            groups = groupsAt(p);
            if (groups != 0)
                break;
            ++p;
        }
        if (groups == 0 && p + 2 == n)
            groups = at0[t[p]] & at1[t[p + 1]] & _twoByteGroups;
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
