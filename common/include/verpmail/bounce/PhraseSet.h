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
// window may jump, keyed by the last two (case-folded) bytes under it, skips most of
// the text without looking at it, and only where a phrase may end are the phrases
// whose prefix ends that way compared. Built once per table (a few KB); matching
// allocates nothing. Phrases may hold UTF-8; only A-Z are folded.
#pragma once

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

    // Two folded bytes to a slot: the low five bits of the first (letters stay apart)
    // and seven of the second. Collisions only shorten jumps or add comparisons.
    static unsigned slot(unsigned char a, unsigned char b) { return ((a & 31u) << 7) | (b & 127u); }

    std::vector<std::string_view> _phrases;
    std::size_t _window = 0;                  ///< length of the shortest phrase
    std::vector<std::uint8_t> _shift;         ///< kSlots jumps
    std::vector<std::uint16_t> _bucketStart;  ///< kSlots + 1 offsets into _bucket
    std::vector<std::uint16_t> _bucket;       ///< phrase indexes by the slot their window prefix ends in
};

/// ASCII lower-case of one byte (UTF-8 bytes unchanged).
inline unsigned char foldByte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

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
        const unsigned s = slot(foldByte(t[end - 1]), foldByte(t[end]));
        const std::uint8_t jump = _shift[s];
        if (jump != 0)
        {
            end += jump;
            continue;
        }
        const std::size_t start = end + 1 - _window;
        for (std::uint16_t i = _bucketStart[s]; i < _bucketStart[s + 1]; ++i)
            if (matchesAt(text, start, _bucket[i]) && !onMatch(start, static_cast<std::size_t>(_bucket[i])))
                return;
        ++end;
    }
}

} // namespace verpmail::bounce
