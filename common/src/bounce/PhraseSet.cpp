// PhraseSet: see the header.
#include "verpmail/bounce/PhraseSet.h"

#include "verpmail/bounce/Ascii.h"

#include <utility>

namespace verpmail::bounce {

PhraseSet::PhraseSet(std::vector<std::string_view> phrases) : _phrases(std::move(phrases))
{
    // A counting sort by key: count each key's phrases, turn the counts into run
    // starts, then place the phrases in list order.
    constexpr unsigned kKeys = 1u << kKeyBits;
    _keyStart.assign(kKeys + 1, 0);
    std::size_t indexed = 0;
    for (std::string_view p : _phrases)
        if (p.size() >= 2)
        {
            ++_keyStart[keyOf(static_cast<unsigned char>(p[0]), static_cast<unsigned char>(p[1])) + 1];
            ++indexed;
        }
    if (indexed == 0)
        return;
    for (unsigned k = 0; k < kKeys; ++k)
        _keyStart[k + 1] += _keyStart[k];
    _byKey.resize(indexed);
    std::vector<std::uint32_t> next(_keyStart.begin(), _keyStart.end() - 1);
    for (std::size_t i = 0; i < _phrases.size(); ++i)
    {
        const std::string_view p = _phrases[i];
        if (p.size() >= 2)
            _byKey[next[keyOf(static_cast<unsigned char>(p[0]), static_cast<unsigned char>(p[1]))]++] =
                static_cast<std::uint32_t>(i);
    }
}

unsigned PhraseSet::keyAt(std::string_view text, std::size_t pos)
{
    return keyOf(foldByte(static_cast<unsigned char>(text[pos])), foldByte(static_cast<unsigned char>(text[pos + 1])));
}

bool PhraseSet::matchesAt(std::string_view text, std::size_t pos, std::size_t index) const
{
    const std::string_view p = _phrases[index];
    if (pos > text.size() || text.size() - pos < p.size())
        return false;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (foldByte(static_cast<unsigned char>(text[pos + i])) != static_cast<unsigned char>(p[i]))
            return false;
    return true;
}

PhraseSet::Match PhraseSet::findEarliest(std::string_view text) const
{
    Match found;
    forEach(text, [&](std::size_t pos, std::size_t index) {
        found = {index, pos};
        return false;
    });
    return found;
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
