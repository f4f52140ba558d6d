// MimeTemplate: a template's body as a MIME part tree, flattened once into pass-through
// bytes and the text parts that carry placeholders.
//
//   MimeTemplate body = MimeTemplate::parse(contentType, transferEncoding, bodyLines, firstLineNo);
//   BodyChange change = body.compose(out, values);   // per recipient; out gets the body bytes
//
// Which parts are personalised: text/* with charset us-ascii, utf-8 or none, in 7bit,
// 8bit, quoted-printable or base64, holding at least one known placeholder once
// transfer-decoded. Everything else (attachments, images, message/rfc822, other
// charsets, text without placeholders, and broken structure: a multipart without a
// boundary parameter or closing delimiter, or nested deeper than kMaxDepth) is passed
// through byte for byte, apart from CRLF line ends; structure problems are reported in
// warnings(), never as errors.
//
// Encoding rules per personalised part, per recipient (values HTML-escaped in text/html):
//   quoted-printable  re-encoded whole, lines <= 76 with soft breaks
//   base64            re-encoded whole, 76-character lines
//   7bit              kept, unless the text now holds 8-bit bytes or a line over 998
//                     octets: then the part is sent quoted-printable and its
//                     Content-Transfer-Encoding field says so (added when absent)
//   8bit              kept, unless a line is over 998 octets: then quoted-printable as above
//   A part declared us-ascii (or without charset) that ends up with 8-bit bytes is
//   relabelled charset=utf-8 (values are UTF-8). For the top-level part the message
//   header changes; compose() returns them as a BodyChange for MessageTemplate to apply.
//
// problem() is set when a line passed through is longer than 998 octets (the template
// must be fixed); bad structure is never an error.
#pragma once

#include "PlaceholderText.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

/// What a personalised single-part message needs its own header to say.
struct BodyChange
{
    bool quotedPrintable = false;  ///< Content-Transfer-Encoding: quoted-printable
    bool utf8 = false;             ///< charset=utf-8
};

class MimeTemplate
{
public:
    static constexpr int kMaxDepth = 10;  ///< multipart nesting levels that are parsed

    /// Parses the body lines (no line ends) of an entity with these Content-Type and
    /// Content-Transfer-Encoding values (unfolded, "" when absent). firstLine is the file
    /// line number of lines[0], for problem().
    static MimeTemplate parse(std::string_view contentType, std::string_view transferEncoding,
                              const std::vector<std::string_view>& lines, std::size_t firstLine);

    /// Appends the body for one recipient (CRLF line ends, ends with CRLF when not empty).
    BodyChange compose(std::string& out, const PlaceholderValues& values) const;

    const std::string& problem() const { return _problem; }
    const std::vector<std::string>& warnings() const { return _warnings; }
    std::size_t personalisedParts() const { return _parts.size(); }
    std::size_t sizeHint() const { return _sizeHint; }

private:
    enum class Encoding { SevenBit, EightBit, QuotedPrintable, Base64 };
    struct Part
    {
        std::vector<std::string> headerFields;  // as written, each CRLF-terminated; none for the top level
        int contentTypeField = -1;
        int transferEncodingField = -1;
        bool topLevel = false;
        PlaceholderText body;  // transfer-decoded
        Escaping escaping = Escaping::Plain;
        Encoding encoding = Encoding::SevenBit;
        bool declaredUtf8 = false;
    };
    struct Chunk
    {
        std::string literal;  // pass-through bytes written before the part
        int part = -1;        // index into _parts, -1 for none
    };
    struct Builder;

    static BodyChange changeFor(const Part& part, const std::string& text);
    static void writeHeader(std::string& out, const Part& part, BodyChange change);

    std::vector<Chunk> _chunks;
    std::vector<Part> _parts;
    std::vector<std::string> _warnings;
    std::string _problem;
    std::size_t _sizeHint = 0;
};

namespace mime {

inline constexpr std::string_view kQuotedPrintableField = "Content-Transfer-Encoding: quoted-printable\r\n";
inline constexpr std::string_view kUtf8TextField = "Content-Type: text/plain; charset=utf-8\r\n";

/// The raw Content-Type field (CRLF-terminated, folds allowed) with its charset
/// parameter set to utf-8, or "; charset=utf-8" added when it has none.
std::string withUtf8Charset(std::string_view rawField);

} // namespace mime
} // namespace verpmail
