// MimeReader: see the header.
#include "verpmail/bounce/MimeReader.h"

#include "verpmail/bounce/Encodings.h"
#include "verpmail/bounce/TextScan.h"

namespace verpmail::bounce {

namespace {

constexpr std::size_t kPartsReserved = 6;

class Reader
{
public:
    Reader(const ParseLimits& limits, BodyWanted wanted, MimeMessage& message)
        : _limits(limits), _wanted(wanted), _message(message)
    {
    }

    void readEntity(std::string_view text, int depth)
    {
        if (static_cast<int>(_message.parts.size()) >= _limits.maxParts)
        {
            _message.problem = "MIME part limit reached";
            return;
        }
        std::size_t bodyAt = 0;
        MimePart part;
        part.headers = HeaderBlock::parse(text, _limits.maxHeaderBytes, &bodyAt);
        part.depth = depth;
        part.contentType = parseContentType(part.headers.find("Content-Type"));
        const std::string_view body = text.substr(bodyAt);
        std::string boundary = part.contentType.param("boundary");
        if (part.contentType.type.rfind("multipart/", 0) == 0)
        {
            if (boundary.empty())
                boundary = guessBoundary(body);
            // A declared boundary that never occurs (a rewritten header) is worth
            // one guess from the body before giving up on the structure.
            if (!boundary.empty() && body.find("--" + boundary) == std::string_view::npos)
            {
                const std::string guessed = guessBoundary(body);
                if (!guessed.empty())
                    boundary = guessed;
            }
            if (!boundary.empty() && depth < _limits.maxMimeDepth)
            {
                part.multipart = true;
                splitMultipart(std::move(part), body, boundary, depth);
                return;
            }
            if (depth >= _limits.maxMimeDepth)
                _message.problem = "MIME depth limit reached";
        }
        if (depth > 0 && _wanted && !_wanted(part.contentType))
        {
            part.bodySkipped = true;
            _message.parts.push_back(std::move(part));
            return;
        }
        part.body = decodeTransferEncoding(body, part.headers.find("Content-Transfer-Encoding"));
        // Text is matched against UTF-8 phrase tables and stored in utf8mb4 columns.
        if (part.contentType.type.empty() || part.contentType.type.rfind("text/", 0) == 0)
            convertToUtf8(part.body, part.contentType.param("charset"));
        _message.parts.push_back(std::move(part));
    }

private:
    // A multipart without a boundary parameter: take the first "--token" line.
    static std::string guessBoundary(std::string_view body)
    {
        for (std::string_view line : splitLines(body.substr(0, 64 * 1024)))
        {
            line = trim(line);
            if (line.size() > 2 && line.size() < 200 && line[0] == '-' && line[1] == '-' &&
                line.find(' ') == std::string_view::npos)
                return std::string(line.substr(2));
        }
        return {};
    }

    // The start of the first line at or after pos that begins with prefix, or npos.
    // Performance: the delimiter is searched for, not every line break: a part is
    // mostly lines that cannot be one, and a search per line cost more than the rest
    // of the split.
    static std::size_t findLineStartingWith(std::string_view text, std::string_view prefix, std::size_t pos)
    {
        for (std::size_t at = text.find(prefix, pos); at != std::string_view::npos; at = text.find(prefix, at + 1))
            if (at == 0 || text[at - 1] == '\n')
                return at;
        return std::string_view::npos;
    }

    void splitMultipart(MimePart part, std::string_view body, const std::string& boundary, int depth)
    {
        const std::string delimiter = "--" + boundary;
        std::vector<std::string_view> children;
        std::size_t pos = 0;
        std::size_t childStart = std::string_view::npos;
        bool closed = false;
        std::string_view preamble = body;
        while ((pos = findLineStartingWith(body, delimiter, pos)) != std::string_view::npos)
        {
            std::size_t end = body.find('\n', pos);
            const std::size_t next = end == std::string_view::npos ? body.size() : end + 1;
            if (end == std::string_view::npos)
                end = body.size();
            const std::string_view rest = trim(body.substr(pos + delimiter.size(), end - pos - delimiter.size()));
            const bool closing = rest.size() >= 2 && rest[0] == '-' && rest[1] == '-';
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
            part.body = std::string(body);
            _message.parts.push_back(std::move(part));
            return;
        }
        // A missing closing delimiter is common: the last part runs to the end.
        if (!closed && childStart != std::string_view::npos && childStart < body.size())
            children.push_back(body.substr(childStart));
        part.body = std::string(preamble.substr(0, std::min<std::size_t>(preamble.size(), 64 * 1024)));
        _message.parts.push_back(std::move(part));
        for (std::string_view child : children)
            readEntity(child, depth + 1);
    }

    const ParseLimits& _limits;
    BodyWanted _wanted;
    MimeMessage& _message;
};

} // namespace

std::string decodeTransferEncoding(std::string_view body, std::string_view encoding)
{
    const std::string_view enc = trim(encoding);
    std::string out;
    if (iequals(enc, "base64"))
        out = decodeBase64(body);
    else if (iequals(enc, "quoted-printable"))
        out = decodeQuotedPrintable(body);
    else
        return std::string(body);
    // Encoded CRLFs come out as they went in; the rest of the parser wants LF.
    if (out.find('\r') != std::string::npos)
        out = normaliseLineEnds(out, out.size());
    return out;
}

MimeMessage readMime(std::string_view text, const ParseLimits& limits, BodyWanted wanted)
{
    MimeMessage message;
    // Most returns are a handful of entities (the multipart, its text and HTML, the
    // status, the original): room for them at once, rather than moving every part
    // (its header and body) each time the list grows.
    message.parts.reserve(kPartsReserved);
    Reader reader(limits, wanted, message);
    reader.readEntity(text, 0);
    if (!message.parts.empty())
        message.headers = message.parts.front().headers;
    return message;
}

} // namespace verpmail::bounce
