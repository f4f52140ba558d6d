// PhraseSet: see the header.
#include "verpmail/bounce/PhraseSet.h"

#include <algorithm>
#include <cstring>

namespace verpmail::bounce {

PhraseSet::PhraseSet(std::vector<std::string_view> phrases)
    : _phrases(std::move(phrases)), _shift(kSlots), _bucketStart(kSlots + 1, 0)
{
    _window = 0;
    for (std::string_view p : _phrases)
        if (p.size() >= 2)
            _window = _window == 0 ? p.size() : std::min(_window, p.size());
    if (_window < 2)
        return;
    // Jumps stay below 256; a longer window only jumps less far than it could.
    _window = std::min<std::size_t>(_window, 255);
    _block = std::min<std::size_t>(_window, 3);
    auto slotEnding = [&](std::string_view p, std::size_t j) {
        return slotAt(reinterpret_cast<const unsigned char*>(p.data()) + j);
    };
    std::fill(_shift.begin(), _shift.end(), static_cast<std::uint8_t>(_window - _block + 1));
    for (std::string_view p : _phrases)
    {
        if (p.size() < 2)
            continue;
        // A block that ends k bytes before the window's end lets the window move k.
        for (std::size_t j = _block - 1; j < _window; ++j)
        {
            const unsigned s = slotEnding(p, j);
            const auto k = static_cast<std::uint8_t>(_window - 1 - j);
            _shift[s] = std::min(_shift[s], k);
        }
    }
    // Buckets (counting sort, so each bucket lists its phrases by index).
    auto lastSlot = [&](std::string_view p) { return slotEnding(p, _window - 1); };
    for (std::string_view p : _phrases)
        if (p.size() >= 2)
            ++_bucketStart[lastSlot(p) + 1];
    for (unsigned s = 0; s < kSlots; ++s)
        _bucketStart[s + 1] = static_cast<std::uint16_t>(_bucketStart[s + 1] + _bucketStart[s]);
    _bucket.resize(_bucketStart[kSlots]);
    std::vector<std::uint16_t> fill(_bucketStart.begin(), _bucketStart.end() - 1);
    for (std::size_t i = 0; i < _phrases.size(); ++i)
    {
        const std::string_view p = _phrases[i];
        if (p.size() < 2)
            continue;
        Entry& e = _bucket[fill[lastSlot(p)]++];
        const std::size_t n = std::min<std::size_t>(p.size(), 8);
        std::memcpy(&e.head, p.data(), n);
        std::memset(&e.mask, 0xff, n);
        e.index = static_cast<std::uint16_t>(i);
    }
}

std::uint64_t PhraseSet::headAt(const unsigned char* p, std::size_t left)
{
    std::uint64_t x = 0;
    std::memcpy(&x, p, std::min<std::size_t>(left, 8));
    // SWAR: bit 7 of each byte says "A..Z" (ASCII only); adding it >> 2 adds 0x20.
    constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    const std::uint64_t low = x & kLow7;
    const std::uint64_t aboveZ = low + 0x2525252525252525ULL;   // byte > 'Z'
    const std::uint64_t fromA = low + 0x3f3f3f3f3f3f3f3fULL;    // byte >= 'A'
    const std::uint64_t upper = (fromA ^ aboveZ) & ~x & kHigh;
    return x | (upper >> 2);
}

bool PhraseSet::matchesAt(std::string_view text, std::size_t pos, std::size_t index) const
{
    const std::string_view p = _phrases[index];
    if (pos > text.size() || text.size() - pos < p.size())
        return false;
    const auto* t = reinterpret_cast<const unsigned char*>(text.data()) + pos;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (foldByte(t[i]) != static_cast<unsigned char>(p[i]))
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
