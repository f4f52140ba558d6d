// MessageTemplate: the operator's RFC 5322 message, parsed once, stamped per member.
//
//   MessageTemplate t = MessageTemplate::parse(fileBytes);   // bad input: problem() is set
//   for (const std::string& w : t.warnings()) log(w);        // once per run
//   std::string wire = t.compose(buildPersonalHeaders(in), personalization);  // CRLF, for SMTP
//
// The template may be any MIME message (plain, HTML, multipart/alternative, attachments);
// what is not personalised is passed through byte for byte, apart from CRLF line ends.
// The headers the sender sets per member (To, Message-ID, Date, List-*, Feedback-ID, our
// X-Verpmail-*) are removed from the template so each appears exactly once.
//
// Placeholders, in the header values and in text parts (see MimeTemplate.h for which):
//   {{address}}             the member's address
//   {{name}}                the member's name ("" when unknown)
//   {{list}}                the list's name
//   {{unsubscribe_url}}     the member's https unsubscribe URL
//   {{unsubscribe_mailto}}  the member's unsubscribe mailto: URI
//   {{name|dear reader}}    any of them with a fallback for an empty value
// Values are encoded for where they land: HTML-escaped in text/html, then the part's
// transfer encoding; in a header field, words holding non-ASCII become RFC 2047
// encoded-words (the field is treated as unstructured text, so keep placeholders out of
// quoted strings). Content-* and MIME-Version fields take no placeholders. An unknown
// {{...}} stays as written and is listed in warnings().
#pragma once

#include "MimeTemplate.h"
#include "PersonalHeaders.h"
#include "PlaceholderText.h"

#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

class MessageTemplate
{
public:
    /// Parses a template. On bad input returns a template whose problem() is set:
    /// empty file, no header/body separator, a line over 998 octets that is passed
    /// through, no From. Broken MIME structure is not a problem (see warnings()).
    static MessageTemplate parse(std::string_view bytes);

    const std::string& problem() const { return _problem; }
    bool ok() const { return _problem.empty(); }

    /// Things the operator should hear about once: unknown placeholders, parts whose
    /// placeholders cannot be filled (other charsets, broken multiparts, too deep).
    const std::vector<std::string>& warnings() const { return _warnings; }

    /// The template's From header value (unfolded), or "".
    const std::string& from() const { return _from; }
    const std::string& subject() const { return _subject; }

    /// Personal headers first, then the template's headers, a blank line, the body, with
    /// the placeholders filled from values. Thread-safe (const, no shared scratch).
    std::string compose(const PersonalHeaders& personal, const Personalization& values) const;

    /// As above with every value empty (placeholders become "" or their fallback).
    std::string compose(const PersonalHeaders& personal) const;

    std::size_t bodySize() const { return _body.sizeHint(); }

private:
    struct Field
    {
        std::string raw;         // as written, folds kept, CRLF-terminated
        std::string name;        // as written, before the ':'
        PlaceholderText value;   // after the ':', without the final CRLF; slots only if personal
    };

    std::vector<Field> _fields;
    int _contentTypeField = -1;
    int _transferEncodingField = -1;
    bool _hasMimeVersion = false;
    MimeTemplate _body;
    std::vector<std::string> _warnings;
    std::string _from;
    std::string _subject;
    std::string _problem;
};

} // namespace verpmail
