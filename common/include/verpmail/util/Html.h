// Html: escaping text for HTML, shared by the sender's personalised text/html parts
// and the admin tool's HTML reports.
#pragma once

#include <string>
#include <string_view>

namespace verpmail {

/// Appends text with & < > " ' escaped. Control characters other than tab, CR and LF
/// become U+FFFD: untrusted text (names, diagnostics) must not smuggle them into a page.
inline void appendHtmlEscaped(std::string& out, std::string_view text)
{
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
                out += "\xEF\xBF\xBD";
            else
                out += c;
        }
    }
}

inline std::string htmlEscaped(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    appendHtmlEscaped(out, text);
    return out;
}

} // namespace verpmail
