// Html: escaping text for HTML, shared by the sender's personalised text/html parts
// and the admin tool's HTML reports.
#pragma once

#include <string>
#include <string_view>

namespace verpmail {

/// Appends text with & < > " ' escaped. Control characters other than tab, CR and LF
/// become U+FFFD: untrusted text (names, diagnostics) must not smuggle them into a page.
void appendHtmlEscaped(std::string& out, std::string_view text);

inline std::string htmlEscaped(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    appendHtmlEscaped(out, text);
    return out;
}

} // namespace verpmail
