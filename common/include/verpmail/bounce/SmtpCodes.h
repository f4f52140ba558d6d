// SmtpCodes: what an SMTP error text says in code: the enhanced status ("5.1.1"),
// the reply code ("550"), the command it answered; and a diagnostic made ready to
// store (white space collapsed, the codes that repeat on every line of a
// multi-line reply dropped).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace verpmail::bounce {

/// The first enhanced status code "c.s.d" (c in 2, 4, 5) in text, or "".
std::string findStatusCode(std::string_view text);

/// The first SMTP reply code (2xx, 4xx, 5xx standing alone) in text, or "".
std::string findReplyCode(std::string_view text);

/// collapseSpace(text, maxBytes) without the reply/status codes that start every
/// line of a multi-line SMTP reply ("550-5.7.1 a\n550-5.7.1 b" -> "550-5.7.1 a b"),
/// so phrases split over lines can be found again. *replyCode (when given) receives
/// findReplyCode of the result.
std::string collapseDiagnostic(std::string_view text, std::size_t maxBytes, std::string* replyCode = nullptr);

/// The SMTP command an error text says it answered ("in reply to RCPT TO command",
/// "after end of data", ...): "MAIL", "RCPT", "DATA", "CONN", "HELO", or "".
std::string findSmtpCommand(std::string_view text);

/// The remote host an error text says it talked to, lower-cased, or "": Sendmail's
/// "... while talking to mx.example.org.:", and the "name[address]" or
/// "name [address]" of Postfix ("host mx.example.org[192.0.2.1] said:"), Exim
/// ("host mx.example.org [192.0.2.1]: 550 ...") and Courier ("mx.example.org
/// [192.0.2.1]:"). The first one the text names.
std::string findRemoteHost(std::string_view text);

} // namespace verpmail::bounce
