// MimeReader: flattens a (possibly broken) MIME message into its parts.
//
//   MimeMessage m = readMime(normalisedText, limits);
//   for (const MimePart& p : m.parts) if (p.contentType.type == "message/delivery-status") ...
//
// Multipart bodies are split here by hand (Poco::Net::MultipartReader throws on a
// missing closing boundary, which returned mail often has); transfer decoding and
// charset conversion to UTF-8 of text parts use the lenient decoders of Encodings.h.
// Depth and part count follow ParseLimits, a boundary is compared by its first 70
// octets (RFC 2046's limit) and every search is linear in the body; nothing throws
// on bad input. Input must have LF line ends (normaliseLineEnds), and outlive the
// MimeMessage (its headers, and the bodies that needed no decoding, are views of it).
#pragma once

#include "verpmail/bounce/HeaderBlock.h"
#include "verpmail/bounce/ParsedReturn.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail::bounce {

struct MimePart
{
    HeaderBlock headers;
    ContentType contentType;   ///< type "" means text/plain by default
    int depth = 0;             ///< 0 for the top-level entity
    bool multipart = false;

    /// Transfer-decoded, LF line ends, text/* in UTF-8; for multiparts the preamble.
    /// Valid while this part lives unchanged and the parsed text does.
    std::string_view body() const { return _decoded ? std::string_view(_storage) : _view; }
    /// A body that is the parsed text as it stands.
    void setBodyView(std::string_view view)
    {
        _view = view;
        _storage.clear();
        _decoded = false;
    }
    /// A body of its own (transfer-decoded or converted to UTF-8).
    void setBodyDecoded(std::string decoded)
    {
        _storage = std::move(decoded);
        _decoded = true;
    }

private:
    // Most bodies need no decoding and stay views of the parsed text; which one is
    // chosen when the body is read, so a move of the part (short strings are stored
    // inline) leaves no view dangling.
    std::string_view _view;
    std::string _storage;
    bool _decoded = false;
};

struct MimeMessage
{
    HeaderBlock headers;           ///< top-level header (moved here: parts[0].headers is empty)
    std::vector<MimePart> parts;   ///< every entity in document order, parts[0] is the top level (its body
                                   ///< is the whole decoded body when it is not multipart)
    std::string problem;           ///< a limit that was hit, or ""
};

/// Which parts' bodies the caller reads: attachments and HTML alternatives need no
/// decoding when nobody reads them. A part this rejects keeps an empty body (the top
/// level is always read).
using BodyWanted = bool (*)(const ContentType& type);

/// Null `wanted`: every body.
MimeMessage readMime(std::string_view text, const ParseLimits& limits, BodyWanted wanted = nullptr);

} // namespace verpmail::bounce
