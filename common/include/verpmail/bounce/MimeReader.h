// MimeReader: flattens a (possibly broken) MIME message into its parts.
//
//   MimeMessage m = readMime(normalisedText, limits);
//   for (const MimePart& p : m.parts) if (p.contentType.type == "message/delivery-status") ...
//
// Multipart bodies are split here by hand (Poco::Net::MultipartReader throws on a
// missing closing boundary, which returned mail often has); transfer decoding and
// charset conversion to UTF-8 of text parts use the lenient decoders of Encodings.h.
// Depth and part count follow ParseLimits; nothing throws on bad input. Input must
// have LF line ends (normaliseLineEnds), and outlive the MimeMessage (its headers, and
// the bodies that needed no decoding, are views of it).
#pragma once

#include "verpmail/bounce/HeaderBlock.h"
#include "verpmail/bounce/ParsedReturn.h"

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail::bounce {

/// Bytes in a buffer of their own that is not filled when made (std::string(n, '\0')
/// fills it a byte at a time before it is written); a copy duplicates them.
class OwnedBytes
{
public:
    OwnedBytes() = default;
    /// Room for `capacity` bytes, none of them used yet.
    explicit OwnedBytes(std::size_t capacity) : _data(new char[capacity]) {}
    OwnedBytes(const OwnedBytes& other) : _data(new char[other._size]), _size(other._size)
    {
        if (_size > 0)
            std::memcpy(_data.get(), other._data.get(), _size);
    }
    OwnedBytes& operator=(const OwnedBytes& other)
    {
        if (this != &other)
            *this = OwnedBytes(other);
        return *this;
    }
    OwnedBytes(OwnedBytes&&) noexcept = default;
    OwnedBytes& operator=(OwnedBytes&&) noexcept = default;

    char* data() { return _data.get(); }
    /// The first `size` bytes are the content (at most the capacity).
    void setSize(std::size_t size) { _size = size; }
    std::string_view view() const { return {_data.get(), _size}; }

private:
    std::unique_ptr<char[]> _data;
    std::size_t _size = 0;
};

struct MimePart
{
    HeaderBlock headers;
    ContentType contentType;   ///< type "" means text/plain by default
    int depth = 0;             ///< 0 for the top-level entity
    bool multipart = false;
    bool bodySkipped = false;  ///< the caller did not want this body: `body()` is empty

    /// Transfer-decoded, LF line ends, text/* in UTF-8; for multiparts the preamble.
    /// Valid while this part lives unchanged and the parsed text does.
    std::string_view body() const
    {
        switch (_source)
        {
        case Source::Converted:
            return _storage;
        case Source::Decoded:
            return _bytes.view();
        default:
            return _view;
        }
    }
    /// A body that is the parsed text as it stands.
    void setBodyView(std::string_view view)
    {
        _view = view;
        _storage.clear();
        _bytes = OwnedBytes();
        _source = Source::Text;
    }
    /// A body of its own (transfer-decoded or converted to UTF-8).
    void setBodyDecoded(std::string decoded)
    {
        _view = {};
        _storage = std::move(decoded);
        _bytes = OwnedBytes();
        _source = Source::Converted;
    }
    /// A body of its own, in the buffer it was transfer-decoded into.
    void setBodyDecoded(OwnedBytes decoded)
    {
        _view = {};
        _storage.clear();
        _bytes = std::move(decoded);
        _source = Source::Decoded;
    }

private:
    // Performance: most bodies (7bit and 8bit parts in ASCII or UTF-8, the returned
    // original among them, often most of the message) need no decoding; a copy of each
    // was a malloc and a memcpy of nearly the whole message per parse. Only a decoded
    // body is stored here; the choice is made when the body is read, not kept as a
    // view of _storage, which a move of the part (short strings are stored inline)
    // would leave dangling. A transfer-decoded body stays in the buffer it was decoded
    // into (a std::string of it was a fill and a copy of the whole part).
    enum class Source
    {
        Text,        // _view, of the parsed text
        Converted,   // _storage
        Decoded,     // _bytes
    };
    std::string_view _view;
    std::string _storage;
    OwnedBytes _bytes;
    Source _source = Source::Text;
};

struct MimeMessage
{
    HeaderBlock headers;           ///< top-level header (moved here: parts[0].headers is empty)
    std::vector<MimePart> parts;   ///< every entity in document order, parts[0] is the top level (its body
                                   ///< is the whole decoded body when it is not multipart)
    std::string problem;           ///< a limit that was hit, or ""
};

/// Which parts' bodies the caller reads. Performance: undoing the transfer encoding and
/// converting the charset of attachments and HTML alternatives cost more than the rest
/// of a parse; a part this rejects keeps an empty body (the top level is always read).
using BodyWanted = bool (*)(const ContentType& type);

/// Null `wanted`: every body.
MimeMessage readMime(std::string_view text, const ParseLimits& limits, BodyWanted wanted = nullptr);

/// Decodes a Content-Transfer-Encoding (base64, quoted-printable; others unchanged).
std::string decodeTransferEncoding(std::string_view body, std::string_view encoding);

} // namespace verpmail::bounce
