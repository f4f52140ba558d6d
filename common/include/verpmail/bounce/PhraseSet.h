// PhraseSet: many lower-case phrases searched for in one pass over a text,
// ignoring ASCII case.
//
//   static const PhraseSet markers({"original message follows", "returned mail follows"});
//   if (markers.findAny(line)) ...
//   const PhraseSet::Match m = commands.findEarliest(text);   // m.index into the list
//
// Performance: the parser asks hundreds of phrase tables questions of every return
// (classifier wording, marker lines, SMTP stages, subjects). Searching once per phrase
// cost most of a parse; this is the Wu-Manber scheme instead: a table of how far the
// window (as long as the shortest phrase) may jump, keyed by the last three
// (case-folded) bytes under it, skips most of the text without looking at it, and
// only where a phrase may end are the phrases whose prefix ends that way compared.
// Built once per table (a few KB); matching allocates nothing. Phrases may hold
// UTF-8; only A-Z are folded.
#pragma once

#include "verpmail/bounce/TextScan.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace verpmail::bounce {

class PhraseSet
{
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    struct Match
    {
        std::size_t index = npos;   ///< position of the phrase in the list, npos when none
        std::size_t pos = npos;     ///< where it starts in the text
        explicit operator bool() const { return index != npos; }
    };

    /// phrases: lower-case, at least two bytes each (shorter ones never match).
    /// A table whose phrases are all long jumps furthest.
    explicit PhraseSet(std::vector<std::string_view> phrases);

    /// Calls onMatch(pos, index) for every occurrence, by increasing pos (and index
    /// at one pos), until it returns false.
    template <typename F>
    void forEach(std::string_view text, F&& onMatch) const;

    /// The occurrence that starts first (the lower index among those starting there).
    Match findEarliest(std::string_view text) const;
    /// The phrase with the lowest index that occurs anywhere (first-match-wins tables).
    Match findLowestIndex(std::string_view text) const;
    bool findAny(std::string_view text) const { return static_cast<bool>(findEarliest(text)); }

    /// Whether phrase `index` occurs at text[pos..] (ASCII case ignored).
    bool matchesAt(std::string_view text, std::size_t pos, std::size_t index) const;

    std::string_view phrase(std::size_t index) const { return _phrases[index]; }
    std::size_t size() const { return _phrases.size(); }

private:
    static constexpr unsigned kSlots = 4096;

    // The last _block (2 or 3) folded bytes ending at p to a slot. Collisions only
    // shorten jumps or add comparisons.
    unsigned slotAt(const unsigned char* p) const
    {
        std::uint32_t key = (std::uint32_t{foldByte(p[-1])} << 8) | foldByte(p[0]);
        if (_block == 3)
            key |= std::uint32_t{foldByte(p[-2])} << 16;
        return (key * 2654435761u) >> 20;
    }

    std::vector<std::string_view> _phrases;
    std::size_t _window = 0;                  ///< length of the shortest phrase
    std::size_t _block = 3;                   ///< bytes a slot is made of (2 when a phrase is that short)
    std::vector<std::uint8_t> _shift;         ///< kSlots jumps
    // A phrase in a bucket, with its first eight bytes as one word: most candidates
    // fail there in one comparison instead of a byte loop.
    struct Entry
    {
        std::uint64_t head = 0;   ///< the first (up to) eight bytes
        std::uint64_t mask = 0;   ///< which bytes of head the phrase has
        std::uint16_t index = 0;
    };
    // Up to eight bytes of p (zero past `left`), A-Z folded all at once.
    static std::uint64_t headAt(const unsigned char* p, std::size_t left);

    std::vector<std::uint16_t> _bucketStart;  ///< kSlots + 1 offsets into _bucket
    std::vector<Entry> _bucket;               ///< phrases by the slot their window prefix ends in, by index
};

template <typename F>
void PhraseSet::forEach(std::string_view text, F&& onMatch) const
{
    if (_window < 2 || text.size() < _window)
        return;
    const auto* t = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t end = _window - 1;   // the window is text[end - _window + 1 .. end]
    while (end < n)
    {
        const unsigned s = slotAt(t + end);
        const std::uint8_t jump = _shift[s];
        if (jump != 0)
        {
            end += jump;
            continue;
        }
        const std::size_t start = end + 1 - _window;
        const std::uint64_t head = headAt(t + start, n - start);
        for (std::uint16_t i = _bucketStart[s]; i < _bucketStart[s + 1]; ++i)
        {
            const Entry& e = _bucket[i];
            if ((head & e.mask) == e.head && (_phrases[e.index].size() <= 8 || matchesAt(text, start, e.index)) &&
                !onMatch(start, static_cast<std::size_t>(e.index)))
                return;
        }
        ++end;
    }
}

} // namespace verpmail::bounce
