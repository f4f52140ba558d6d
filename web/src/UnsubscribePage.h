// UnsubscribePage: the HTML a person sees when following a List-Unsubscribe link.
//
//   std::string html = confirmPage("news", "jane@example.org");
//
// Each page is self-contained (inline CSS only: no scripts, fonts, images or other
// hosts), readable on a phone, and escapes every value it shows (Html.h). The address
// is shown masked, "j***@example.org": a forwarded link must not hand out the address.
// The confirm page's only control is a form that POSTs List-Unsubscribe=One-Click to
// the page's own URL, the request RFC 8058 has mail clients send.
#pragma once

#include <string>
#include <string_view>

namespace verpmail::web {

/// "j***@example.org": the local part's first character (a whole UTF-8 sequence), then
/// "***", then the domain; "***" when there is no '@'.
std::string maskedAddress(std::string_view email);

/// GET for an active membership (or one paused by the bounce policy): a question and
/// the Unsubscribe button.
std::string confirmPage(std::string_view list, std::string_view email);

/// GET for a membership the member has ended already (unsubscribed or complained).
std::string alreadyOutPage(std::string_view list, std::string_view email);

/// The answer to the POST: done now, or had been done before.
std::string unsubscribedPage(std::string_view list, std::string_view email, bool alreadyOut);

/// Every invalid link gets this same page, whatever was wrong with it.
std::string invalidLinkPage();

/// A short page for a refusal of the GET (429, 503, ...): `title` and `text`.
std::string problemPage(std::string_view title, std::string_view text);

} // namespace verpmail::web
