#include "verpmail/util/Printable.h"

namespace verpmail {

std::string printable(std::string_view text, std::size_t maxLength)
{
    const bool cut = text.size() > maxLength;
    if (cut)
        text = text.substr(0, maxLength > 3 ? maxLength - 3 : 0);
    std::string out;
    out.reserve(text.size() + 3);
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte >= 0x20 && byte < 0x7f) ? c : '?';
    }
    if (cut)
        out += "...";
    return out;
}

} // namespace verpmail
