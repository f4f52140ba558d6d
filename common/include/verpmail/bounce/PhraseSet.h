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
// window (as long as the shortest phrase) may jump, keyed by the last four
// (case-folded) bytes under it (three under a window shorter than eight), skips
// most of the text without looking at it, and
// only where a phrase may end are the phrases whose prefix ends that way compared.
// Where few slots jump less than the most (most tables), a 1 KB bitmap of those
// is read first: it stays in the cache between calls, the jump table mostly not.
// The window can never jump further than the shortest phrase allows, and the
// classifier's table holds "rbl": so a table with phrases shorter than five bytes
// keeps those under nine apart, found by a filter tried at every position (three
// byte-indexed tables of which short phrases may start there, one AND of three
// loads), and the window of the others jumps up to six. Where the processor has
// SSSE3, a coarser filter (the halves of the three bytes, in eight buckets) is
// tried on 16 positions at once first (32 with AVX2), and the exact one only where
// it passes.
// The two sets' matches are merged, so callers see one table. Built once per table
// (some 25 KB); matching allocates nothing. Phrases may hold UTF-8; only A-Z are
// folded.
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
    // A phrase to compare where a filter or a jump table says it may start, with
    // its first eight bytes as one word: most candidates fail there in one
    // comparison instead of a byte loop. A longer phrase's last eight bytes are a
    // word too: up to sixteen bytes it is compared in two loads, both within it.
    struct Entry
    {
        std::uint64_t head = 0;   ///< the first (up to) eight bytes
        std::uint64_t mask = 0;   ///< which bytes of head the phrase has
        std::uint64_t tail = 0;   ///< the last eight bytes, when it has more than eight
        std::uint32_t index = 0;
        std::uint32_t size = 0;
    };

    // Where a search stands in each part of the table: the next match it found
    // and has not given out yet (taken once given out), and where it reads on.
    struct Cursor
    {
        const unsigned char* text = nullptr;
        std::size_t size = 0;
        Match longNext, shortNext;
        bool longTaken = true, shortTaken = true;
        std::size_t longEnd = 0;          ///< the next window end to look at
        std::size_t longStart = 0;        ///< where the pending bucket's phrases would start
        std::uint32_t longEntry = 0, longEntryEnd = 0;
        std::uint64_t longHead = 0;
        std::size_t shortPos = 0;         ///< the next position to try
        std::size_t shortStart = 0;
        std::uint64_t shortGroups = 0;    ///< groups still to compare at shortStart
        std::uint32_t shortEntry = 0, shortEntryEnd = 0;
        std::uint64_t shortHead = 0;
    };

    void fillNibbles(const std::vector<std::size_t>& shortOnes);
    Cursor start(std::string_view text) const;
    Match next(Cursor& cursor) const;
    Match nextLong(Cursor& cursor) const;
    Match nextShort(Cursor& cursor) const;
    std::size_t nextWindowEnd(const unsigned char* t, std::size_t n, std::size_t end, unsigned& slot) const;
    bool entryMatches(const Entry& e, std::uint64_t head, const unsigned char* t, std::size_t n, std::size_t start) const;

    static constexpr unsigned kGroups = 64;

    // Long part (Wu-Manber): the window jump table and, by the slot of the window's
    // last three bytes, the phrases whose window-long prefix ends that way.
    std::size_t _window = 0;                  ///< length of the shortest long phrase, 0 when none
    std::uint32_t _blockMask = 0;             ///< which bytes of the word ending the window key the jump
    std::uint8_t _longestJump = 0;            ///< the jump past a block that no phrase's prefix holds
    std::vector<std::uint8_t> _shift;         ///< a jump by slot
    std::vector<std::uint64_t> _mayStop;      ///< bit by slot: jumps less than the longest; empty unless few do
    std::vector<std::uint16_t> _bucketStart;  ///< slots + 1 offsets into _bucket (tables are far under 65536 phrases)
    std::vector<Entry> _bucket;               ///< by slot, then index

    // Short part: the short phrases by index, cut into up to kGroups runs; bit g of
    // _startsWith[j][c] says a phrase of run g may have byte c at offset j.
    std::vector<Entry> _short;
    std::vector<std::uint32_t> _groupStart;   ///< kGroups + 1 offsets into _short
    std::vector<std::uint64_t> _startsWith;   ///< 3 * 256 masks, empty when no short phrases
    std::uint64_t _twoByteGroups = 0;         ///< runs holding a two-byte phrase (one that ends before offset 2)
    // The short part's pre-filter, tried on 16 positions at once (SSSE3): by offset
    // 0..2, 16 masks by a byte's low half and 16 by its high half; bit b: a phrase
    // of bucket b may have such a byte there. Empty without SSSE3 or short phrases.
    std::vector<std::uint8_t> _nibbles;
    std::uint8_t _simd = 0;                   ///< 1: SSSE3 (16 positions a block), 2: AVX2 (32), 0: neither

    std::vector<std::string_view> _phrases;
};

template <typename F>
void PhraseSet::forEach(std::string_view text, F&& onMatch) const
{
    Cursor cursor = start(text);
    for (Match m = next(cursor); m; m = next(cursor))
        if (!onMatch(m.pos, m.index))
            return;
}

} // namespace verpmail::bounce
