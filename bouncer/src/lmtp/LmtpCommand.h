// LmtpCommand: the syntax of one LMTP command line (RFC 2033, RFC 5321 section 4.1).
//
//   LmtpCommand c = parseCommand("MAIL FROM:<> BODY=8BITMIME");
//   // c.verb == Verb::Mail, c.argument == "FROM:<> BODY=8BITMIME"
//   std::optional<MailPath> p = parsePath(c.argument, "FROM:");
//   // p->address == "", p->parameters == {"BODY=8BITMIME"}
//
// Parsing is strict about the shape (a keyword, an address in angle brackets) and
// tolerant about what Postfix may vary (case, a space after the colon, parameters it
// adds). Bad input is a value (Verb::Unknown, std::nullopt), never an exception.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

enum class Verb
{
    Lhlo, Mail, Rcpt, Data, Rset, Noop, Quit, Vrfy, Help,
    NotImplemented,  ///< a known SMTP command this server does not offer (HELO, EHLO, BDAT, ...)
    Unknown,
};

struct LmtpCommand
{
    Verb verb = Verb::Unknown;
    std::string_view argument;  ///< after the verb and its spaces; a view of the line
};

LmtpCommand parseCommand(std::string_view line);

struct MailPath
{
    std::string address;                  ///< between the angle brackets, "" for <>
    std::vector<std::string> parameters;  ///< "KEY=value" or "KEY", as sent
};

/// Parses "FROM:<address> PARAM..." (keyword "FROM:") or "TO:<address> ..." ("TO:").
/// A source route ("<@a,@b:user@c>") is dropped as RFC 5321 allows.
std::optional<MailPath> parsePath(std::string_view argument, std::string_view keyword);

} // namespace verpmail
