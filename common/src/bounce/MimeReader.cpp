// MimeReader: see the header.
#include "verpmail/bounce/MimeReader.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/Encodings.h"
#include "verpmail/bounce/Lines.h"

#include <algorithm>

namespace verpmail::bounce {

namespace {

// RFC 2046: a boundary is 1 to 70 octets. A longer one is cut there: only its first
// 70 octets are compared (and searched for), so each line costs bounded time however
// long the header says the boundary is; a delimiter line still has its full length.
constexpr std::size_t kMaxBoundary = 70;

struct Boundary
{
    Boundary() = default;
    explicit Boundary(std::string_view b) : compared(b.substr(0, kMaxBoundary)), length(b.size()) {}
    bool empty() const { return length == 0; }
    std::string_view compared;   ///< the first kMaxBoundary octets
    std::size_t length = 0;      ///< as declared
};

// body without its Content-Transfer-Encoding, into out; false (out untouched) when
// there is none to undo (7bit, 8bit, binary, absent or unknown).
bool undoTransferEncoding(std::string_view body, std::string_view encoding, std::string& out)
{
    encoding = trim(encoding);
    if (iequals(encoding, "base64"))
        out = decodeBase64(body);
    else if (iequals(encoding, "quoted-printable"))
        out = decodeQuotedPrintable(body);
    else
        return false;
    // Encoded CRLFs come out as they went in; the rest of the parser wants LF.
    if (out.find('\r') != std::string::npos)
        out = normaliseLineEnds(out, out.size());
    return true;
}

// A multipart without a usable boundary parameter: the first "--token" line.
std::string_view guessBoundary(std::string_view body)
{
    LineReader lines(body.substr(0, 64 * 1024));
    for (std::string_view line; lines.next(line);)
    {
        line = trim(line);
        if (line.size() > 2 && line.size() < 200 && line[0] == '-' && line[1] == '-' &&
            line.find(' ') == std::string_view::npos)
            return line.substr(2);
    }
    return {};
}

// Whether a delimiter line ("--" boundary) starts at start, the first byte of a line.
bool delimiterAt(std::string_view body, const Boundary& boundary, std::size_t start)
{
    return body.size() - start >= boundary.length + 2 && body[start] == '-' && body[start + 1] == '-' &&
           body.compare(start + 2, boundary.compared.size(), boundary.compared) == 0;
}

// The start of the first line at or after pos (a line start) that begins with the
// delimiter, or npos. A walk over the lines: each byte is looked at once, and only
// a line that starts with "--" is compared with the boundary.
std::size_t findDelimiter(std::string_view body, const Boundary& boundary, std::size_t pos)
{
    while (pos < body.size())
    {
        if (delimiterAt(body, boundary, pos))
            return pos;
        const std::size_t lineEnd = body.find('\n', pos);
        if (lineEnd == std::string_view::npos)
            break;
        pos = lineEnd + 1;
    }
    return std::string_view::npos;
}

// Whether "--" boundary occurs anywhere in body (at a line start or not); boundary
// is at most kMaxBoundary octets, so the search is linear.
bool containsDelimiter(std::string_view body, std::string_view boundary)
{
    for (std::size_t at = body.find(boundary, 2); at != std::string_view::npos; at = body.find(boundary, at + 1))
        if (body[at - 2] == '-' && body[at - 1] == '-')
            return true;
    return false;
}

class Reader
{
public:
    Reader(const ParseLimits& limits, BodyWanted wanted, MimeMessage& message)
        : _limits(limits), _wanted(wanted), _message(message)
    {
    }

    void readEntity(std::string_view text, int depth);

private:
    bool readMultipart(MimePart& part, std::string_view body, int depth);
    void splitMultipart(MimePart& part, std::string_view body, const Boundary& boundary, std::size_t first,
                        int depth);

    const ParseLimits& _limits;
    BodyWanted _wanted;
    MimeMessage& _message;
};

void Reader::readEntity(std::string_view text, int depth)
{
    if (static_cast<int>(_message.parts.size()) >= _limits.maxParts)
    {
        _message.problem = "MIME part limit reached";
        return;
    }
    std::size_t bodyAt = 0;
    // Built in its place in the list; nothing else is added to the list until it is
    // done (a multipart's children are read after it).
    MimePart& part = _message.parts.emplace_back();
    part.headers = HeaderBlock::parse(text, _limits.maxHeaderBytes, &bodyAt);
    part.depth = depth;
    part.contentType = parseContentType(part.headers.find("Content-Type"));
    const std::string_view body = text.substr(bodyAt);
    const std::string_view type = part.contentType.type;
    if (type.substr(0, 10) == "multipart/" && readMultipart(part, body, depth))
        return;
    // A body the caller does not want stays empty.
    if (depth > 0 && _wanted && !_wanted(part.contentType))
        return;
    // Text is matched against UTF-8 phrase tables and stored in utf8mb4 columns.
    const bool isText = type.empty() || type.substr(0, 5) == "text/";
    const std::string charset = isText ? part.contentType.param("charset") : std::string();
    std::string decoded;
    std::string converted;
    if (undoTransferEncoding(body, part.headers.find("Content-Transfer-Encoding"), decoded))
    {
        if (isText && convertToUtf8(decoded, charset, converted))
            decoded = std::move(converted);
        part.setBodyDecoded(std::move(decoded));
    }
    else if (isText && convertToUtf8(body, charset, converted))
        part.setBodyDecoded(std::move(converted));
    else
        part.setBodyView(body);
}

// A multipart entity: false when it is read as a single part after all.
bool Reader::readMultipart(MimePart& part, std::string_view body, int depth)
{
    // A view of part.contentType or of body: part does not move until a child is added.
    Boundary boundary(part.contentType.paramView("boundary"));
    if (boundary.empty())
        boundary = Boundary(guessBoundary(body));
    std::size_t first = boundary.empty() ? std::string_view::npos : findDelimiter(body, boundary, 0);
    // A declared boundary that never occurs (a rewritten header) is worth one guess
    // from the body before giving up on the structure.
    if (first == std::string_view::npos && !boundary.empty() && !containsDelimiter(body, boundary.compared))
    {
        const std::string_view guessed = guessBoundary(body);
        if (!guessed.empty())
        {
            boundary = Boundary(guessed);
            first = findDelimiter(body, boundary, 0);
        }
    }
    if (depth >= _limits.maxMimeDepth)
    {
        _message.problem = "MIME depth limit reached";
        return false;
    }
    if (boundary.empty())
        return false;
    part.multipart = true;
    splitMultipart(part, body, boundary, first, depth);
    return true;
}

// Splits body at the delimiter lines (the first at `first`, npos for none) and
// completes part (already in the list), then adds its children. The boundary may
// be a view of part: it is read before a child is added (which may move part).
void Reader::splitMultipart(MimePart& part, std::string_view body, const Boundary& boundary, std::size_t first,
                            int depth)
{
    std::vector<std::string_view> children;
    std::size_t childStart = std::string_view::npos;
    bool closed = false;
    std::string_view preamble = body;
    for (std::size_t pos = first; pos != std::string_view::npos; pos = findDelimiter(body, boundary, pos))
    {
        const std::size_t end = std::min(body.find('\n', pos), body.size());
        const std::size_t next = end < body.size() ? end + 1 : body.size();
        const std::size_t afterDelimiter = pos + boundary.length + 2;
        const std::string_view rest = trim(body.substr(afterDelimiter, end - afterDelimiter));
        const bool closing = rest.substr(0, 2) == "--";
        if (rest.empty() || closing)
        {
            // The line break before a delimiter belongs to the delimiter.
            const std::size_t contentEnd = pos > 0 ? pos - 1 : 0;
            if (childStart == std::string_view::npos)
                preamble = body.substr(0, contentEnd);
            else
                children.push_back(body.substr(childStart, contentEnd >= childStart ? contentEnd - childStart : 0));
            childStart = next;
            if (closing)
            {
                closed = true;
                break;
            }
        }
        pos = next;
    }
    if (childStart == std::string_view::npos)
    {
        // No delimiter at all (stripped by a relay): read the body as plain text.
        part.multipart = false;
        part.contentType.type = "text/plain";
        part.setBodyView(body);
        return;
    }
    // A missing closing delimiter is common: the last part runs to the end.
    if (!closed && childStart < body.size())
        children.push_back(body.substr(childStart));
    part.setBodyView(preamble.substr(0, 64 * 1024));
    // part may move from here: children are added after it.
    for (std::string_view child : children)
        readEntity(child, depth + 1);
}

} // namespace

MimeMessage readMime(std::string_view text, const ParseLimits& limits, BodyWanted wanted)
{
    MimeMessage message;
    Reader reader(limits, wanted, message);
    reader.readEntity(text, 0);
    if (!message.parts.empty())
        message.headers = std::move(message.parts.front().headers);
    return message;
}

} // namespace verpmail::bounce
