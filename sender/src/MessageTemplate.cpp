#include "MessageTemplate.h"

#include <Poco/Base64Encoder.h>
#include <Poco/String.h>

#include <algorithm>
#include <array>
#include <sstream>

namespace verpmail {
namespace {

constexpr std::size_t kMaxLineOctets = 998;  // RFC 5322 2.1.1, without CRLF

// Fields the sender writes per member; a template's own copy would duplicate them.
constexpr std::array<std::string_view, 11> kReplacedFields = {
    "to", "message-id", "date", "list-id", "list-unsubscribe", "list-unsubscribe-post", "return-path",
    "delivered-to", "x-verpmail-campaign", "x-verpmail-envelope", "bcc",
};

std::vector<std::string> splitLines(std::string_view text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || text[i] == '\r') {
            lines.emplace_back(text.substr(start, i - start));
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            start = i + 1;
        }
    }
    if (start < text.size())
        lines.emplace_back(text.substr(start));
    return lines;
}

std::string fieldName(const std::string& line)
{
    const auto colon = line.find(':');
    if (colon == std::string::npos)
        return {};
    return Poco::toLower(Poco::trim(line.substr(0, colon)));
}

bool isReplaced(const std::string& name)
{
    return std::find(kReplacedFields.begin(), kReplacedFields.end(), name) != kReplacedFields.end();
}

} // namespace

MessageTemplate MessageTemplate::parse(std::string_view bytes)
{
    MessageTemplate t;
    if (bytes.empty()) {
        t._problem = "the message file is empty";
        return t;
    }
    const std::vector<std::string> lines = splitLines(bytes);
    std::size_t i = 0;
    std::string currentName;
    bool keepCurrent = false;
    for (; i < lines.size(); ++i) {
        const std::string& line = lines[i];
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
                t._headers += line + "\r\n";
            if (currentName == "from")
                t._from += " " + Poco::trim(line);
            else if (currentName == "subject")
                t._subject += " " + Poco::trim(line);
            continue;
        }
        currentName = fieldName(line);
        if (currentName.empty() || currentName.find_first_of(" \t") != std::string::npos) {
            t._problem = "line " + std::to_string(i + 1) + " is not a header field (missing blank line before the body?)";
            return t;
        }
        keepCurrent = !isReplaced(currentName);
        if (keepCurrent)
            t._headers += line + "\r\n";
        const std::string value = Poco::trim(line.substr(line.find(':') + 1));
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
    for (++i; i < lines.size(); ++i) {
        if (lines[i].size() > kMaxLineOctets) {
            t._problem = "body line " + std::to_string(i + 1) + " is longer than 998 octets (use a transfer encoding)";
            return t;
        }
        t._body += lines[i];
        t._body += "\r\n";
    }
    return t;
}

std::string MessageTemplate::compose(const PersonalHeaders& personal) const
{
    std::string out;
    out.reserve(_headers.size() + _body.size() + 512);
    for (const auto& [name, value] : personal.fields) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    out += _headers;
    out += "\r\n";
    out += _body;
    return out;
}

std::string formatMailbox(const std::string& displayName, const std::string& address)
{
    if (displayName.empty())
        return "<" + address + ">";
    const bool plainAscii = std::all_of(displayName.begin(), displayName.end(), [](unsigned char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (plainAscii)
        return "\"" + displayName + "\" <" + address + ">";
    // RFC 2047 B-encoding: safe for any bytes, and short names fit one encoded-word.
    std::ostringstream encoded;
    Poco::Base64Encoder encoder(encoded);
    encoder.rdbuf()->setLineLength(0);
    encoder << displayName;
    encoder.close();
    return "=?UTF-8?B?" + encoded.str() + "?= <" + address + ">";
}

} // namespace verpmail
