// PhraseSet: many lower-case phrases searched for in one pass over a text,
// ignoring ASCII case.
//
//   static const PhraseSet markers({"original message follows", "returned mail follows"});
//   if (markers.findAny(line)) ...
//   const PhraseSet::Match m = commands.findEarliest(text);   // m.index into the list
//
// The parser asks tables of hundreds of phrases about every return (classifier
// wording, marker lines, SMTP stages, subjects), so a table is not searched once
// per phrase: the text is walked once, and at each position only the phrases
// that begin with the two (case-folded) bytes found there are compared. The
// index by first two bytes is built once per table; matching allocates nothing.
// Phrases may hold UTF-8; only A-Z are folded.
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
    // The index key of two adjacent bytes, already case-folded: the low six bits of
    // each. Pairs that share a key (say "!a" and "aa") only add a comparison.
    static constexpr unsigned kKeyBits = 12;
    static unsigned keyOf(unsigned char first, unsigned char second)
    {
        return (first & 0x3fu) << 6 | (second & 0x3fu);
    }
    static unsigned keyAt(std::string_view text, std::size_t pos);

    // The phrases by key, each key's run in list order (so matches at one position
    // come out by increasing index): key k's run is _byKey[_keyStart[k] .. _keyStart[k + 1]).
    std::vector<std::uint32_t> _keyStart;
    std::vector<std::uint32_t> _byKey;
    std::vector<std::string_view> _phrases;
};

template <typename F>
void PhraseSet::forEach(std::string_view text, F&& onMatch) const
{
    if (_byKey.empty())
        return;
    for (std::size_t pos = 0; pos + 1 < text.size(); ++pos)
    {
        const unsigned key = keyAt(text, pos);
        for (std::uint32_t k = _keyStart[key]; k < _keyStart[key + 1]; ++k)
            if (matchesAt(text, pos, _byKey[k]) && !onMatch(pos, static_cast<std::size_t>(_byKey[k])))
                return;
    }
}

} // namespace verpmail::bounce
