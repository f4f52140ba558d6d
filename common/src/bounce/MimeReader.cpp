// MimeReader: see the header.
#include "verpmail/bounce/MimeReader.h"

#include "verpmail/bounce/Encodings.h"
#include "verpmail/bounce/TextScan.h"
#include "verpmail/util/Swar.h"

#include <algorithm>
#include <cstring>

namespace verpmail::bounce {

namespace {

enum class TransferEncoding
{
    Identity,   // 7bit, 8bit, binary, absent or unknown: the bytes as they are
    Base64,
    QuotedPrintable
};

TransferEncoding transferEncoding(std::string_view encoding)
{
    const std::string_view enc = trim(encoding);
    if (iequals(enc, "base64"))
        return TransferEncoding::Base64;
    if (iequals(enc, "quoted-printable"))
        return TransferEncoding::QuotedPrintable;
    return TransferEncoding::Identity;
}

// Performance: decoded into a buffer not filled first and kept as the body, and the
// CRs that encoded text brings (CRLF text in base64) are dropped in place: a
// std::string for each step was a fill and a copy of the whole part.
// (transfer: base64 or quoted-printable)
OwnedBytes decode(std::string_view body, TransferEncoding transfer)
{
    const bool base64 = transfer == TransferEncoding::Base64;
    OwnedBytes out(base64 ? base64DecodedBound(body.size()) : body.size());
    out.setSize(base64 ? decodeBase64Into(body, out.data()) : decodeQuotedPrintableInto(body, out.data()));
    // Encoded CRLFs come out as they went in; the rest of the parser wants LF.
    if (std::memchr(out.data(), '\r', out.view().size()))
        out.setSize(normaliseLineEndsInto(out.view(), out.data()));
    return out;
}

constexpr std::size_t kPartsReserved = 6;
constexpr std::size_t kChildrenReserved = 4;

// Bytes from the most to the least frequent in returned mail (measured on a corpus of
// bounces: English text, headers, base64); bytes not listed are rarer still.
constexpr std::string_view kByteFrequencyOrder =
    " etaoin0srl-.pm2:cd1guh3fAxy5b4=9DT;8M6Sk7vjwEC/RFP\"IB<>ONLXzUQ()GHJV@K+Y,qWZ_[]#'!?&%}{*$\\|^~";

struct ByteRarity
{
    unsigned char rank[256];
    constexpr ByteRarity() : rank()
    {
        for (int c = 0; c < 256; ++c)
            rank[c] = 255;
        for (std::size_t i = 0; i < kByteFrequencyOrder.size(); ++i)
            rank[static_cast<unsigned char>(kByteFrequencyOrder[i])] = static_cast<unsigned char>(i);
    }
};
constexpr ByteRarity kByteRarity;

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
        // Performance: the part is built in its place in the list, not moved there
        // when done (its header, content type and body, a string copy each). Nothing
        // else is added to the list until it is done: a multipart's children are read
        // after it.
        MimePart& part = _message.parts.emplace_back();
        part.headers = HeaderBlock::parse(text, _limits.maxHeaderBytes, &bodyAt);
        part.depth = depth;
        part.contentType = parseContentType(part.headers.find("Content-Type"));
        const std::string_view body = text.substr(bodyAt);
        // Performance: prefixes compared as views (inline), not by std::string::compare,
        // an out-of-line call for every part.
        const std::string_view type = part.contentType.type;
        if (type.substr(0, 10) == "multipart/")
        {
            // A view of part.contentType or of body: part does not move until a child is added.
            std::string_view boundary = part.contentType.paramView("boundary");
            if (boundary.empty())
                boundary = guessBoundary(body);
            // Made once for the search here and the split (its rarest byte is a walk
            // over the boundary's tens of bytes).
            Delimiter delimiter(boundary);
            std::size_t first = boundary.empty() ? std::string_view::npos : findDelimiter(body, delimiter, 0);
            // A declared boundary that never occurs (a rewritten header) is worth
            // one guess from the body before giving up on the structure.
            if (first == std::string_view::npos && !boundary.empty() && !containsDelimiter(body, boundary))
            {
                const std::string_view guessed = guessBoundary(body);
                if (!guessed.empty())
                {
                    boundary = guessed;
                    delimiter = Delimiter(boundary);
                    first = findDelimiter(body, delimiter, 0);
                }
            }
            if (!boundary.empty() && depth < _limits.maxMimeDepth)
            {
                part.multipart = true;
                splitMultipart(part, body, delimiter, first, depth);
                return;
            }
            if (depth >= _limits.maxMimeDepth)
                _message.problem = "MIME depth limit reached";
        }
        if (depth > 0 && _wanted && !_wanted(part.contentType))
        {
            part.bodySkipped = true;
            return;
        }
        // Text is matched against UTF-8 phrase tables and stored in utf8mb4 columns.
        const bool isText = type.empty() || type.substr(0, 5) == "text/";
        const std::string_view charset = isText ? part.contentType.paramView("charset") : std::string_view();
        const TransferEncoding transfer = transferEncoding(part.headers.find("Content-Transfer-Encoding"));
        std::string converted;
        if (transfer != TransferEncoding::Identity)
        {
            OwnedBytes decoded = decode(body, transfer);
            if (isText && convertToUtf8(decoded.view(), charset, converted))
                part.setBodyDecoded(std::move(converted));
            else
                part.setBodyDecoded(std::move(decoded));
        }
        else if (isText && convertToUtf8(body, charset, converted))
            part.setBodyDecoded(std::move(converted));
        else
            part.setBodyView(body);
    }

private:
    // A multipart without a boundary parameter: take the first "--token" line.
    static std::string_view guessBoundary(std::string_view body)
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

    // A delimiter line ("--" boundary) and the byte it is searched for by: its rarest.
    // ("----=_Part_1" searched by '-' stopped at every hyphen and rule line of the
    // parts, a dozen times per delimiter.)
    struct Delimiter
    {
        explicit Delimiter(std::string_view b) : boundary(b)
        {
            unsigned char rarest = b.empty() ? 0 : kByteRarity.rank[static_cast<unsigned char>(b[0])];
            for (std::size_t k = 1; k < b.size(); ++k)
            {
                const unsigned char rank = kByteRarity.rank[static_cast<unsigned char>(b[k])];
                if (rank > rarest)
                {
                    rarest = rank;
                    anchor = k;
                }
            }
            anchorByte = b.empty() ? '-' : b[anchor];
            anchor += 2;   // its offset in the delimiter line
        }
        std::string_view boundary;
        std::size_t anchor = 0;
        char anchorByte = '-';
    };

    // Whether a delimiter line starts at start (the first byte of a line, "--", the boundary).
    static bool delimiterAt(std::string_view body, const Delimiter& d, std::size_t start)
    {
        const char* const data = body.data();
        return start + d.boundary.size() + 2 <= body.size() && (start == 0 || data[start - 1] == '\n') &&
               data[start] == '-' && data[start + 1] == '-' &&
               std::memcmp(data + start + 2, d.boundary.data(), d.boundary.size()) == 0;
    }

    // The start of the first line at or after pos that begins with the delimiter, or npos.
    // Performance: the delimiter is searched for, not every line break: a part is
    // mostly lines that cannot be one, and a search per line cost more than the rest
    // of the split. Its rarest byte is searched for (memchr), but in a part of hex
    // (ids, dumps, base64) that byte is common: each false hit was a memchr call with
    // its mispredicted branches. So at a hit the 64 possible starts from there are
    // tested at once (SSE2) for "--" with the rarest byte at its place, and the search
    // goes on after them.
    static std::size_t findDelimiter(std::string_view body, const Delimiter& d, std::size_t pos)
    {
        const char* const data = body.data();
        for (std::size_t from = pos + d.anchor; from < body.size();)
        {
            const void* hit = std::memchr(data + from, d.anchorByte, body.size() - from);
            if (!hit)
                break;
            const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
            const std::size_t start = at - d.anchor;   // >= pos
#if defined(__SSE2__)
            if (body.size() - at >= 64)
            {
                for (std::uint64_t starts = possibleStarts(data + start, d); starts != 0; starts &= starts - 1)
                {
                    const std::size_t candidate = start + static_cast<std::size_t>(__builtin_ctzll(starts));
                    if (delimiterAt(body, d, candidate))
                        return candidate;
                }
                from = at + 64;
                continue;
            }
#endif
            if (delimiterAt(body, d, start))
                return start;
            from = at + 1;
        }
        return std::string_view::npos;
    }

#if defined(__SSE2__)
    // A bit for each of the 64 offsets k from p where p[k] and p[k + 1] are '-' and
    // p[k + d.anchor] is d.anchorByte (p[0 .. d.anchor + 63] are read).
    static std::uint64_t possibleStarts(const char* p, const Delimiter& d)
    {
        const __m128i hyphen = _mm_set1_epi8('-');
        const __m128i anchor = _mm_set1_epi8(d.anchorByte);
        const auto bits = [&](std::size_t offset) {
            const auto load = [](const char* q) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q)); };
            const __m128i both = _mm_and_si128(_mm_cmpeq_epi8(load(p + offset), hyphen),
                                               _mm_cmpeq_epi8(load(p + offset + 1), hyphen));
            const __m128i all = _mm_and_si128(both, _mm_cmpeq_epi8(load(p + offset + d.anchor), anchor));
            return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(all)));
        };
        return bits(0) | bits(16) << 16 | bits(32) << 32 | bits(48) << 48;
    }
#endif

    // Whether "--" boundary occurs anywhere in body (at a line start or not).
    static bool containsDelimiter(std::string_view body, std::string_view boundary)
    {
        for (std::size_t at = body.find(boundary, 2); at != std::string_view::npos; at = body.find(boundary, at + 1))
            if (body[at - 2] == '-' && body[at - 1] == '-')
                return true;
        return false;
    }

    // Splits body at the delimiter lines (the first at `first`, npos for none) and
    // completes part (already in the list), then adds its children. The delimiter's boundary may
    // be a view of part: it is read before a child is added (which may move part).
    void splitMultipart(MimePart& part, std::string_view body, const Delimiter& delimiter, std::size_t first, int depth)
    {
        const std::size_t delimiterSize = delimiter.boundary.size() + 2;
        std::vector<std::string_view> children;
        std::size_t childStart = std::string_view::npos;
        bool closed = false;
        std::string_view preamble = body;
        for (std::size_t pos = first; pos != std::string_view::npos; pos = findDelimiter(body, delimiter, pos))
        {
            const std::size_t end =
                static_cast<std::size_t>(swar::findByte(body.data(), body.data() + pos, body.data() + body.size(), '\n') - body.data());
            const std::size_t next = end < body.size() ? end + 1 : body.size();
            const std::string_view rest = trim(body.substr(pos + delimiterSize, end - pos - delimiterSize));
            const bool closing = rest.size() >= 2 && rest[0] == '-' && rest[1] == '-';
            if (rest.empty() || closing)
            {
                // The line break before a delimiter belongs to the delimiter.
                const std::size_t contentEnd = pos > 0 ? pos - 1 : 0;
                if (childStart == std::string_view::npos)
                {
                    preamble = body.substr(0, contentEnd);
                    // A report has three or four parts: room for them at once.
                    children.reserve(kChildrenReserved);
                }
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
        part.setBodyView(preamble.substr(0, std::min<std::size_t>(preamble.size(), 64 * 1024)));
        // part may move from here: children are added after it.
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
    const TransferEncoding transfer = transferEncoding(encoding);
    if (transfer == TransferEncoding::Identity)
        return std::string(body);
    return std::string(decode(body, transfer).view());
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
    // Moved, not copied: a header's field list and unfolded copies are its allocations.
    if (!message.parts.empty())
        message.headers = std::move(message.parts.front().headers);
    return message;
}

} // namespace verpmail::bounce
