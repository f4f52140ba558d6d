#include "MimeTemplate.h"

#include "TransferEncoding.h"

#include "verpmail/bounce/HeaderBlock.h"

#include <Poco/String.h>

#include <algorithm>
#include <optional>

namespace verpmail {
namespace {

constexpr std::size_t kMaxLineOctets = 998;  // RFC 5322 2.1.1, without CRLF

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

std::string lowerTrimmed(std::string_view s)
{
    return Poco::toLower(Poco::trim(std::string(s)));
}

// Values are UTF-8, so only parts whose text is UTF-8 (ASCII is) can take them.
bool takesUtf8(const std::string& charset)
{
    return charset.empty() || charset == "us-ascii" || charset == "utf-8" || charset == "utf8";
}

enum class Delimiter { None, Open, Close };

// RFC 2046 5.1.1: "--" boundary, then "--" for the last one, then optional blanks.
Delimiter delimiterKind(std::string_view line, const std::string& boundary)
{
    if (line.size() < boundary.size() + 2 || line[0] != '-' || line[1] != '-' ||
        line.compare(2, boundary.size(), boundary) != 0)
        return Delimiter::None;
    std::string_view rest = line.substr(boundary.size() + 2);
    const bool close = startsWith(rest, "--");
    if (close)
        rest.remove_prefix(2);
    if (rest.find_first_not_of(" \t") != std::string_view::npos)
        return Delimiter::None;  // a longer boundary that merely starts with ours
    return close ? Delimiter::Close : Delimiter::Open;
}

struct EntityHeader
{
    std::vector<std::string> fields;  // raw, CRLF-terminated
    std::string contentType;          // unfolded values
    std::string transferEncoding;
    int contentTypeField = -1;
    int transferEncodingField = -1;
    bool topLevel = false;
    bool inDigest = false;  // multipart/digest parts default to message/rfc822 (RFC 2046 5.1.5)
};

std::string unfoldedValue(const std::string& rawField)
{
    std::string value = rawField.substr(rawField.find(':') + 1);
    value.erase(std::remove_if(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; }),
                value.end());
    return Poco::trim(value);
}

} // namespace

struct MimeTemplate::Builder
{
    const std::vector<std::string_view>& lines;
    std::size_t firstLine;
    MimeTemplate& t;
    std::string literal;   // pass-through bytes not yet in a chunk
    bool started = false;  // something was written: the next line needs a CRLF first

    void separator()
    {
        if (started)
            literal += "\r\n";
        started = true;
    }

    void checkLength(std::size_t j)
    {
        if (lines[j].size() > kMaxLineOctets && t._problem.empty())
            t._problem = "body line " + std::to_string(firstLine + j) +
                         " is longer than 998 octets (use a transfer encoding)";
    }

    void rawLines(std::size_t begin, std::size_t end)
    {
        for (std::size_t j = begin; j < end; ++j) {
            separator();
            checkLength(j);
            literal += lines[j];
        }
    }

    void warn(std::string text)
    {
        if (std::find(t._warnings.begin(), t._warnings.end(), text) == t._warnings.end())
            t._warnings.push_back(std::move(text));
    }

    bool holdsBraces(std::size_t begin, std::size_t end) const
    {
        for (std::size_t j = begin; j < end; ++j)
            if (lines[j].find("{{") != std::string_view::npos)
                return true;
        return false;
    }

    std::string joined(std::size_t begin, std::size_t end) const
    {
        std::string text;
        for (std::size_t j = begin; j < end; ++j) {
            if (j > begin)
                text += "\r\n";
            text += lines[j];
        }
        return text;
    }

    void addPart(Part part)
    {
        separator();
        t._chunks.push_back({std::move(literal), static_cast<int>(t._parts.size())});
        literal.clear();
        t._parts.push_back(std::move(part));
    }

    void finish()
    {
        if (!lines.empty())
            literal += "\r\n";  // the message ends with a line end
        t._chunks.push_back({std::move(literal), -1});
    }

    // A part inside a multipart: lines [begin, end), header first.
    void part(std::size_t begin, std::size_t end, int depth, bool inDigest)
    {
        EntityHeader header;
        header.inDigest = inDigest;
        std::size_t j = begin;
        for (; j < end && !lines[j].empty(); ++j) {
            const std::string_view line = lines[j];
            if (line.front() == ' ' || line.front() == '\t') {
                if (header.fields.empty())
                    return passThrough(begin, end, "a part starts with a folded line");
                header.fields.back().append(line).append("\r\n");
                continue;
            }
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos || colon == 0 ||
                line.substr(0, colon).find_first_of(" \t") != std::string_view::npos)
                return passThrough(begin, end, "a part has a line that is not a header field");
            header.fields.emplace_back(line).append("\r\n");
        }
        if (j == end)
            return passThrough(begin, end, "a part has no blank line after its header");
        for (std::size_t f = 0; f < header.fields.size(); ++f) {
            const std::string& field = header.fields[f];
            const std::string name = lowerTrimmed(std::string_view(field).substr(0, field.find(':')));
            if (name == "content-type" && header.contentTypeField < 0) {
                header.contentTypeField = static_cast<int>(f);
                header.contentType = unfoldedValue(field);
            } else if (name == "content-transfer-encoding" && header.transferEncodingField < 0) {
                header.transferEncodingField = static_cast<int>(f);
                header.transferEncoding = unfoldedValue(field);
            }
        }
        entity(header, begin, j + 1, end, depth);
    }

    // Passes lines through; says so when they looked like they wanted placeholders.
    void passThrough(std::size_t begin, std::size_t end, const std::string& why)
    {
        if (holdsBraces(begin, end))
            warn(why + ": passed through without placeholders");
        rawLines(begin, end);
    }

    // An entity whose header is [headerBegin, bodyBegin) (empty for the top level).
    void entity(const EntityHeader& header, std::size_t headerBegin, std::size_t bodyBegin, std::size_t end, int depth)
    {
        const bounce::ContentType contentType = bounce::parseContentType(header.contentType);
        const std::string type =
            !contentType.type.empty() ? contentType.type : header.inDigest ? "message/rfc822" : "text/plain";
        if (startsWith(type, "multipart/"))
            return multipart(type, contentType.param("boundary"), headerBegin, bodyBegin, end, depth);
        const std::string charset = Poco::toLower(contentType.param("charset"));
        if (startsWith(type, "text/") && !takesUtf8(charset))
            return passThrough(headerBegin, end, "a " + type + " part in charset " + charset + " takes no values");
        if (!startsWith(type, "text/") || !personalise(header, type, charset, headerBegin, bodyBegin, end))
            rawLines(headerBegin, end);
    }

    void multipart(const std::string& type, const std::string& boundary, std::size_t headerBegin,
                   std::size_t bodyBegin, std::size_t end, int depth)
    {
        // Bounded so that a hostile or broken template cannot recurse without end.
        if (depth >= kMaxDepth) {
            warn("multipart nested deeper than " + std::to_string(kMaxDepth) +
                 " levels: passed through without placeholders");
            return rawLines(headerBegin, end);
        }
        if (boundary.empty()) {
            warn("a " + type + " has no boundary parameter: passed through without placeholders");
            return rawLines(headerBegin, end);
        }
        std::vector<std::size_t> opens;
        std::size_t close = end;
        for (std::size_t j = bodyBegin; j < end && close == end; ++j) {
            const Delimiter kind = delimiterKind(lines[j], boundary);
            if (kind == Delimiter::Open)
                opens.push_back(j);
            else if (kind == Delimiter::Close)
                close = j;
        }
        if (close == end || opens.empty()) {
            warn("a " + type + " with boundary \"" + boundary + "\" " +
                 (opens.empty() ? "has no parts" : "has no closing delimiter") +
                 ": passed through without placeholders");
            return rawLines(headerBegin, end);
        }
        rawLines(headerBegin, opens.front() + 1);  // header, preamble, first delimiter
        for (std::size_t k = 0; k < opens.size(); ++k) {
            const std::size_t partBegin = opens[k] + 1;
            const std::size_t partEnd = k + 1 < opens.size() ? opens[k + 1] : close;
            if (partEnd > partBegin)
                part(partBegin, partEnd, depth + 1, type == "multipart/digest");
            rawLines(partEnd, partEnd + 1);  // the next delimiter
        }
        rawLines(close + 1, end);  // epilogue
    }

    // Makes [headerBegin, end) a personalised part when its decoded text has placeholders.
    bool personalise(const EntityHeader& header, const std::string& type, const std::string& charset,
                     std::size_t headerBegin, std::size_t bodyBegin, std::size_t end)
    {
        Part p;
        const std::string encoding = Poco::toLower(header.transferEncoding);
        std::optional<std::string> decoded;
        if (encoding.empty() || encoding == "7bit" || encoding == "8bit") {
            p.encoding = encoding == "8bit" ? Encoding::EightBit : Encoding::SevenBit;
            decoded = joined(bodyBegin, end);
        } else if (encoding == "quoted-printable") {
            p.encoding = Encoding::QuotedPrintable;
            decoded = mime::decodeQuotedPrintable(joined(bodyBegin, end));
        } else if (encoding == "base64") {
            p.encoding = Encoding::Base64;
            decoded = mime::decodeBase64(joined(bodyBegin, end));
            if (!decoded) {
                warn("a " + type + " part is not valid base64: passed through without placeholders");
                return false;
            }
        } else {
            if (holdsBraces(bodyBegin, end))
                warn("a " + type + " part in " + encoding + " encoding: passed through without placeholders");
            return false;
        }
        std::vector<std::string> unknown;
        p.body = PlaceholderText::parse(*decoded, &unknown);
        for (const std::string& u : unknown)
            warn("unknown placeholder " + u + " left as it is");
        if (!p.body.hasSlots())
            return false;
        for (std::size_t j = headerBegin; j < bodyBegin; ++j)
            checkLength(j);  // the part's header lines are written as they are
        p.headerFields = header.fields;
        p.contentTypeField = header.contentTypeField;
        p.transferEncodingField = header.transferEncodingField;
        p.topLevel = header.topLevel;
        p.escaping = type == "text/html" ? Escaping::Html : Escaping::Plain;
        p.declaredUtf8 = charset == "utf-8" || charset == "utf8";
        addPart(std::move(p));
        return true;
    }
};

MimeTemplate MimeTemplate::parse(std::string_view contentType, std::string_view transferEncoding,
                                 const std::vector<std::string_view>& lines, std::size_t firstLine)
{
    MimeTemplate t;
    Builder builder{lines, firstLine, t, std::string(), false};
    EntityHeader top;
    top.contentType = std::string(contentType);
    top.transferEncoding = std::string(transferEncoding);
    top.topLevel = true;
    builder.entity(top, 0, 0, lines.size(), 0);
    builder.finish();
    for (const Chunk& c : t._chunks)
        t._sizeHint += c.literal.size();
    for (const Part& p : t._parts)
        t._sizeHint += p.body.literalSize() * 4 / 3 + 512;
    return t;
}

BodyChange MimeTemplate::changeFor(const Part& part, const std::string& text)
{
    BodyChange change;
    const bool eightBit = mime::hasEightBit(text);
    change.utf8 = eightBit && !part.declaredUtf8;
    if (part.encoding == Encoding::SevenBit)
        change.quotedPrintable = eightBit || mime::longestLine(text) > kMaxLineOctets;
    else if (part.encoding == Encoding::EightBit)
        change.quotedPrintable = mime::longestLine(text) > kMaxLineOctets;
    return change;
}

void MimeTemplate::writeHeader(std::string& out, const Part& part, BodyChange change)
{
    for (std::size_t f = 0; f < part.headerFields.size(); ++f) {
        if (change.utf8 && static_cast<int>(f) == part.contentTypeField)
            out += mime::withUtf8Charset(part.headerFields[f]);
        else if (change.quotedPrintable && static_cast<int>(f) == part.transferEncodingField)
            out += mime::kQuotedPrintableField;
        else
            out += part.headerFields[f];
    }
    if (change.utf8 && part.contentTypeField < 0)
        out += mime::kUtf8TextField;
    if (change.quotedPrintable && part.transferEncodingField < 0)
        out += mime::kQuotedPrintableField;
    out += "\r\n";
}

BodyChange MimeTemplate::compose(std::string& out, const PlaceholderValues& values) const
{
    BodyChange topChange;
    std::string text;
    for (const Chunk& chunk : _chunks) {
        out += chunk.literal;
        if (chunk.part < 0)
            continue;
        const Part& part = _parts[static_cast<std::size_t>(chunk.part)];
        text.clear();
        part.body.render(text, values, part.escaping);
        const BodyChange change = changeFor(part, text);
        if (part.topLevel)
            topChange = change;
        else
            writeHeader(out, part, change);
        if (change.quotedPrintable || part.encoding == Encoding::QuotedPrintable)
            mime::appendQuotedPrintable(out, text);
        else if (part.encoding == Encoding::Base64)
            mime::appendBase64Lines(out, text);
        else
            out += text;
    }
    return topChange;
}

namespace mime {

std::string withUtf8Charset(std::string_view rawField)
{
    std::string field(rawField);
    const std::string lower = Poco::toLower(field);
    const std::size_t colon = lower.find(':');
    for (std::size_t at = lower.find("charset", colon); at != std::string::npos; at = lower.find("charset", at + 7)) {
        // A parameter name: after ';' (and blanks), followed by blanks and '='.
        std::size_t before = at;
        while (before > colon + 1 && std::string_view(" \t\r\n").find(lower[before - 1]) != std::string_view::npos)
            --before;
        if (before == 0 || lower[before - 1] != ';')
            continue;
        std::size_t eq = at + 7;
        while (eq < lower.size() && (lower[eq] == ' ' || lower[eq] == '\t'))
            ++eq;
        if (eq >= lower.size() || lower[eq] != '=')
            continue;
        std::size_t valueBegin = eq + 1;
        while (valueBegin < lower.size() && (lower[valueBegin] == ' ' || lower[valueBegin] == '\t'))
            ++valueBegin;
        std::size_t valueEnd = valueBegin;
        if (valueBegin < lower.size() && lower[valueBegin] == '"') {
            valueEnd = lower.find('"', valueBegin + 1);
            valueEnd = valueEnd == std::string::npos ? lower.find_first_of("\r\n", valueBegin) : valueEnd + 1;
            if (valueEnd == std::string::npos)
                valueEnd = lower.size();
        } else {
            valueEnd = lower.find_first_of("; \t\r\n()", valueBegin);
            if (valueEnd == std::string::npos)
                valueEnd = lower.size();
        }
        return field.replace(valueBegin, valueEnd - valueBegin, "utf-8");
    }
    // No charset parameter: add one before the field's line end.
    const std::size_t end = startsWith(std::string_view(field).substr(field.size() >= 2 ? field.size() - 2 : 0), "\r\n")
                                ? field.size() - 2
                                : field.size();
    return field.insert(end, "; charset=utf-8");
}

} // namespace mime
} // namespace verpmail
