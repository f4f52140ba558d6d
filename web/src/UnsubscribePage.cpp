#include "UnsubscribePage.h"

#include "verpmail/util/Html.h"

namespace verpmail::web {
namespace {

// System fonts, one column, large touch targets; dark mode follows the device.
constexpr const char* kStyle =
    "body{margin:0;padding:1rem;background:#f3f4f6;color:#1f2328;"
    "font:1rem/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,Helvetica,Arial,sans-serif}"
    "main{max-width:30rem;margin:2rem auto;padding:1.5rem;background:#fff;"
    "border:1px solid #d0d7de;border-radius:.5rem}"
    "h1{margin:0 0 1rem;font-size:1.35rem;line-height:1.3}"
    "p{margin:0 0 1rem}"
    ".v{font-weight:600;overflow-wrap:anywhere}"
    "form{margin:1.5rem 0 0}"
    "button{width:100%;min-height:3rem;padding:.75rem 1rem;border:0;border-radius:.4rem;"
    "background:#b42318;color:#fff;font:inherit;font-weight:600;cursor:pointer}"
    "button:focus-visible{outline:3px solid #fbbf24;outline-offset:2px}"
    ".note{color:#57606a;font-size:.9rem}"
    "@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}"
    "main{background:#161b22;border-color:#30363d}.note{color:#8b949e}}";

/// The page around `body` (HTML already escaped); `title` is escaped here.
std::string page(std::string_view title, const std::string& body)
{
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n<title>";
    appendHtmlEscaped(out, title);
    out += "</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head>\n<body>\n<main>\n<h1>";
    appendHtmlEscaped(out, title);
    out += "</h1>\n";
    out += body;
    out += "</main>\n</body>\n</html>\n";
    return out;
}

/// <span class="v">text</span>, escaped.
std::string value(std::string_view text)
{
    std::string out = "<span class=\"v\">";
    appendHtmlEscaped(out, text);
    out += "</span>";
    return out;
}

} // namespace

std::string maskedAddress(std::string_view email)
{
    const std::size_t at = email.rfind('@');
    if (at == std::string_view::npos || at == 0)
        return "***";
    std::size_t first = 1;
    // A UTF-8 local part: keep the whole first character, not half of it.
    while (first < at && (static_cast<unsigned char>(email[first]) & 0xC0) == 0x80)
        ++first;
    return std::string(email.substr(0, first)) + "***" + std::string(email.substr(at));
}

std::string confirmPage(std::string_view list, std::string_view email)
{
    std::string body = "<p>Stop mail from the list " + value(list) + " to " + value(maskedAddress(email)) + "?</p>\n";
    // No action attribute: the form posts to this very URL, which holds the token.
    body += "<form method=\"post\">\n"
            "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n"
            "<button type=\"submit\">Unsubscribe</button>\n"
            "</form>\n"
            "<p class=\"note\">Nothing changes until you press the button.</p>\n";
    return page("Unsubscribe", body);
}

std::string alreadyOutPage(std::string_view list, std::string_view email)
{
    const std::string body = "<p>" + value(maskedAddress(email)) + " is already unsubscribed from the list " +
                             value(list) + ". No more mail from it will be sent there.</p>\n";
    return page("Already unsubscribed", body);
}

std::string unsubscribedPage(std::string_view list, std::string_view email, bool alreadyOut)
{
    const std::string who = value(maskedAddress(email));
    const std::string body = alreadyOut ? "<p>" + who + " was already unsubscribed from the list " + value(list) +
                                              ". Nothing has changed.</p>\n"
                                        : "<p>" + who + " is now unsubscribed from the list " + value(list) +
                                              ". No more mail from it will be sent there.</p>\n";
    return page(alreadyOut ? "Already unsubscribed" : "Unsubscribed", body);
}

std::string invalidLinkPage()
{
    return page("Link not valid",
                "<p>This unsubscribe link is not valid (any more). If you still get mail from the list, "
                "use the unsubscribe link of the latest message.</p>\n");
}

std::string problemPage(std::string_view title, std::string_view text)
{
    std::string body = "<p>";
    appendHtmlEscaped(body, text);
    body += "</p>\n";
    return page(title, body);
}

} // namespace verpmail::web
