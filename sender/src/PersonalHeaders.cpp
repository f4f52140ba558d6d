#include "PersonalHeaders.h"

#include "HeaderEncoding.h"

#include "verpmail/util/Hmac.h"

#include <Poco/String.h>

#include <algorithm>

namespace verpmail {
namespace {

// A value from the database or configuration must never start a new header line.
std::string oneLine(std::string value)
{
    std::replace_if(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return value;
}

// Feedback-ID parts are separated by ':', so a part must not hold one.
std::string feedbackPart(std::string value)
{
    std::replace(value.begin(), value.end(), ':', '-');
    return value;
}

bool startsWithNoCase(const std::string& s, const std::string& prefix)
{
    return s.size() >= prefix.size() && Poco::icompare(s.substr(0, prefix.size()), prefix) == 0;
}

} // namespace

std::string personalMessageId(const std::string& campaign, const std::string& normalizedAddress,
                              const std::string& domain)
{
    static constexpr char kHex[] = "0123456789abcdef";
    const Sha256Digest digest = sha256(campaign + "\n" + normalizedAddress);
    std::string hex;
    for (std::size_t i = 0; i < 10; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 15];
    }
    return "<" + campaign + "." + hex + "@" + domain + ">";
}

std::string mailtoUri(const std::string& target)
{
    if (target.empty() || startsWithNoCase(target, "mailto:"))
        return target;
    return "mailto:" + target;
}

PersonalHeaders buildPersonalHeaders(const PersonalHeaderInputs& raw)
{
    PersonalHeaderInputs in = raw;
    for (std::string* s : {&in.campaign, &in.listName, &in.listIdDomain, &in.address, &in.normalizedAddress,
                           &in.name, &in.envelopeSender, &in.unsubscribeUrl, &in.unsubscribeMailto, &in.date,
                           &in.feedbackSenderTag})
        *s = oneLine(std::move(*s));
    const std::string& hashed = in.normalizedAddress.empty() ? in.address : in.normalizedAddress;

    PersonalHeaders h;
    h.fields.emplace_back("To", formatMailbox(in.name, in.address));
    h.fields.emplace_back("Message-ID", personalMessageId(in.campaign, hashed, in.listIdDomain));
    h.fields.emplace_back("Date", in.date);
    h.fields.emplace_back("List-Id", "<" + in.listName + "." + in.listIdDomain + ">");

    std::vector<std::string> uris;
    if (!in.unsubscribeMailto.empty())
        uris.push_back("<" + mailtoUri(in.unsubscribeMailto) + ">");
    if (!in.unsubscribeUrl.empty())
        uris.push_back("<" + in.unsubscribeUrl + ">");
    if (!uris.empty()) {
        // Folded between the URIs: with a long token the field easily passes 78 columns.
        std::string value = uris.front();
        for (std::size_t i = 1; i < uris.size(); ++i)
            value += ",\r\n " + uris[i];
        h.fields.emplace_back("List-Unsubscribe", value);
    }
    // RFC 8058 3.1: one-click needs an HTTPS URI for the POST.
    if (startsWithNoCase(in.unsubscribeUrl, "https://"))
        h.fields.emplace_back("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    const std::string tag = in.feedbackSenderTag.empty() ? in.listIdDomain : in.feedbackSenderTag;
    h.fields.emplace_back("Feedback-ID", feedbackPart(in.campaign) + ":" + feedbackPart(in.listName) +
                                             ":verpmail:" + feedbackPart(tag));
    h.fields.emplace_back("X-Verpmail-Campaign", in.campaign);
    h.fields.emplace_back("X-Verpmail-Envelope", "<" + in.envelopeSender + ">");
    return h;
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
    // RFC 2047 B-encoding: safe for any bytes (quotes, backslashes, controls, UTF-8).
    return mime::encodedWords(oneLine(displayName)) + " <" + address + ">";
}

} // namespace verpmail
