#include "MessageTemplate.h"

#include "HeaderEncoding.h"

#include <Poco/String.h>

#include <algorithm>
#include <array>

namespace verpmail {
namespace {

constexpr std::size_t kMaxLineOctets = 998;  // RFC 5322 2.1.1, without CRLF

// Fields the sender writes per member; a template's own copy would duplicate them.
constexpr std::array<std::string_view, 12> kReplacedFields = {
    "to", "message-id", "date", "list-id", "list-unsubscribe", "list-unsubscribe-post", "feedback-id",
    "return-path", "delivered-to", "x-verpmail-campaign", "x-verpmail-envelope", "bcc",
};

// Lines end at CRLF, LF or a lone CR (the file may come from any editor).
std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || text[i] == '\r') {
            lines.push_back(text.substr(start, i - start));
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            start = i + 1;
        }
    }
    if (start < text.size())
        lines.push_back(text.substr(start));
    return lines;
}

std::string fieldName(std::string_view line)
{
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return {};
    return Poco::toLower(Poco::trim(std::string(line.substr(0, colon))));
}

bool isReplaced(const std::string& name)
{
    return std::find(kReplacedFields.begin(), kReplacedFields.end(), name) != kReplacedFields.end();
}

// MIME fields carry boundaries and parameters that a value must never change.
bool takesPlaceholders(const std::string& name)
{
    return name.compare(0, 8, "content-") != 0 && name != "mime-version";
}

std::string unfolded(const std::string& rawField)
{
    std::string value = rawField.substr(rawField.find(':') + 1);
    value.erase(std::remove_if(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; }),
                value.end());
    return Poco::trim(value);
}

void addWarning(std::vector<std::string>& warnings, std::string text)
{
    if (std::find(warnings.begin(), warnings.end(), text) == warnings.end())
        warnings.push_back(std::move(text));
}

} // namespace

MessageTemplate MessageTemplate::parse(std::string_view bytes)
{
    MessageTemplate t;
    if (bytes.empty()) {
        t._problem = "the message file is empty";
        return t;
    }
    const std::vector<std::string_view> lines = splitLines(bytes);
    std::vector<std::string> names;  // lower-case, parallel to t._fields
    std::size_t i = 0;
    std::string currentName;
    bool keepCurrent = false;
    for (; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        if (line.empty())
            break;
        if (line.size() > kMaxLineOctets) {
            t._problem = "header line " + std::to_string(i + 1) + " is longer than 998 octets";
            return t;
        }
        if (line.front() == ' ' || line.front() == '\t') {
            if (currentName.empty()) {
                t._problem = "the message starts with a continuation line, not a header";
                return t;
            }
            if (keepCurrent)
                t._fields.back().raw.append(line).append("\r\n");
            if (currentName == "from")
                t._from += " " + Poco::trim(std::string(line));
            else if (currentName == "subject")
                t._subject += " " + Poco::trim(std::string(line));
            continue;
        }
        currentName = fieldName(line);
        if (currentName.empty() || currentName.find_first_of(" \t") != std::string::npos) {
            t._problem = "line " + std::to_string(i + 1) + " is not a header field (missing blank line before the body?)";
            return t;
        }
        keepCurrent = !isReplaced(currentName);
        if (keepCurrent) {
            Field field;
            field.raw = std::string(line) + "\r\n";
            field.name = std::string(line.substr(0, line.find(':')));
            t._fields.push_back(std::move(field));
            names.push_back(currentName);
        }
        const std::string value = Poco::trim(std::string(line.substr(line.find(':') + 1)));
        if (currentName == "from")
            t._from = value;
        else if (currentName == "subject")
            t._subject = value;
    }
    if (i == lines.size()) {
        t._problem = "no blank line between the headers and the body";
        return t;
    }
    if (t._from.empty()) {
        t._problem = "the message has no From header";
        return t;
    }

    std::string contentType;
    std::string transferEncoding;
    for (std::size_t f = 0; f < t._fields.size(); ++f) {
        Field& field = t._fields[f];
        const std::string& name = names[f];
        if (name == "content-type" && t._contentTypeField < 0) {
            t._contentTypeField = static_cast<int>(f);
            contentType = unfolded(field.raw);
        } else if (name == "content-transfer-encoding" && t._transferEncodingField < 0) {
            t._transferEncodingField = static_cast<int>(f);
            transferEncoding = unfolded(field.raw);
        } else if (name == "mime-version") {
            t._hasMimeVersion = true;
        }
        if (!takesPlaceholders(name))
            continue;
        std::vector<std::string> unknown;
        const std::size_t valueStart = field.name.size() + 1;
        field.value = PlaceholderText::parse(
            std::string_view(field.raw).substr(valueStart, field.raw.size() - valueStart - 2), &unknown);
        for (const std::string& u : unknown)
            addWarning(t._warnings, "unknown placeholder " + u + " left as it is");
    }

    const std::vector<std::string_view> bodyLines(lines.begin() + static_cast<std::ptrdiff_t>(i) + 1, lines.end());
    t._body = MimeTemplate::parse(contentType, transferEncoding, bodyLines, i + 2);
    if (!t._body.problem().empty()) {
        t._problem = t._body.problem();
        return t;
    }
    for (const std::string& w : t._body.warnings())
        addWarning(t._warnings, w);
    return t;
}

std::string MessageTemplate::compose(const PersonalHeaders& personal) const
{
    return compose(personal, Personalization{});
}

std::string MessageTemplate::compose(const PersonalHeaders& personal, const Personalization& values) const
{
    const PlaceholderValues prepared(values);
    // The body first: a single-part message may need its Content-* fields changed.
    std::string body;
    body.reserve(_body.sizeHint());
    const BodyChange change = _body.compose(body, prepared);

    std::string out;
    out.reserve(body.size() + 4096);
    for (const auto& [name, value] : personal.fields) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    std::string value;
    for (std::size_t f = 0; f < _fields.size(); ++f) {
        const Field& field = _fields[f];
        if (change.utf8 && static_cast<int>(f) == _contentTypeField) {
            out += mime::withUtf8Charset(field.raw);
        } else if (change.quotedPrintable && static_cast<int>(f) == _transferEncodingField) {
            out += mime::kQuotedPrintableField;
        } else if (field.value.hasSlots()) {
            value.clear();
            field.value.render(value, prepared, Escaping::Plain);
            out += field.name;
            out += ':';
            out += mime::encodeUnstructured(value, field.name.size() + 1);
            out += "\r\n";
        } else {
            out += field.raw;
        }
    }
    // A plain RFC 5322 message that now needs a MIME label gets one.
    if ((change.utf8 || change.quotedPrintable) && !_hasMimeVersion)
        out += "MIME-Version: 1.0\r\n";
    if (change.utf8 && _contentTypeField < 0)
        out += mime::kUtf8TextField;
    if (change.quotedPrintable && _transferEncodingField < 0)
        out += mime::kQuotedPrintableField;
    out += "\r\n";
    out += body;
    return out;
}

} // namespace verpmail
