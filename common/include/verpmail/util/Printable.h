// Printable: makes untrusted text safe to log.
//
// Text from a returned message, an SMTP reply or a command line may hold control
// characters, escape sequences, invalid UTF-8 or megabytes of junk. Everything that
// is logged passes through printable() first, as Postfix does with printable().
#pragma once

#include <string>
#include <string_view>

namespace verpmail {

/// Returns text with every byte outside printable ASCII replaced by '?', and cut to
/// at most maxLength bytes (a cut is marked with "..."). Valid UTF-8 is not kept:
/// logs stay plain ASCII whatever the input was.
inline std::string printable(std::string_view text, std::size_t maxLength = 200)
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
