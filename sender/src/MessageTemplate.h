// MessageTemplate: the operator's RFC 5322 message, parsed once, stamped per member.
//
//   MessageTemplate t = MessageTemplate::parse(fileBytes);   // nullopt-like error in problem()
//   std::string wire = t.compose(personalHeaders);            // CRLF, ready for SMTP
//
// The body is passed through untouched apart from line ends (CRLF on the wire, as
// SMTP requires); MIME structure, attachments and encodings stay as written. The
// headers the sender sets per member (To, Message-ID, Date, List-*, our X-Verpmail-*)
// are removed from the template so each appears exactly once.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace verpmail {

struct PersonalHeaders
{
    std::vector<std::pair<std::string, std::string>> fields;  ///< name, value (already encoded)
};

class MessageTemplate
{
public:
    /// Parses a template. On bad input returns a template whose problem() is set:
    /// empty file, no header/body separator, a line over 998 octets, no From.
    static MessageTemplate parse(std::string_view bytes);

    const std::string& problem() const { return _problem; }
    bool ok() const { return _problem.empty(); }

    /// The template's From header value (unfolded), or "".
    const std::string& from() const { return _from; }
    const std::string& subject() const { return _subject; }

    /// Personal headers first, then the template's headers, a blank line, the body.
    std::string compose(const PersonalHeaders& personal) const;

    std::size_t bodySize() const { return _body.size(); }

private:
    std::string _headers;  // CRLF-terminated lines, minus the replaced fields
    std::string _body;     // CRLF line ends
    std::string _from;
    std::string _subject;
    std::string _problem;
};

/// A header value holding a display name and an address: "Name" <addr>, with the name
/// RFC 2047-encoded when it is not plain ASCII.
std::string formatMailbox(const std::string& displayName, const std::string& address);

} // namespace verpmail
