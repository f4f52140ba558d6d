#include "verpmail/verp/VerpCodec.h"

#include "verpmail/util/Base32.h"
#include "verpmail/util/Hmac.h"
#include "verpmail/util/SecretFile.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace verpmail {
namespace {

constexpr std::size_t kMinKeyBytes = 16;
constexpr std::size_t kMaxRecipientLength = 320;  // 64 + '@' + 255: longer is not an address

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool validPrefix(const std::string& prefix)
{
    return !prefix.empty() && std::all_of(prefix.begin(), prefix.end(), [](unsigned char c) {
        return std::islower(c) || std::isdigit(c) || c == '.';
    });
}

VerpDecoded failure(std::string problem)
{
    VerpDecoded d;
    d.problem = std::move(problem);
    return d;
}

} // namespace

VerpCodec::VerpCodec(VerpSettings settings) : _settings(std::move(settings))
{
    _settings.domain = lower(_settings.domain);
    if (!validPrefix(_settings.prefix))
        throw std::invalid_argument("verp.prefix must be non-empty lower-case letters, digits or dots: \"" + _settings.prefix + "\"");
    if (_settings.prefix.size() + 1 + kTokenLength > kMaxLocalPart)
        throw std::invalid_argument("verp.prefix is too long: a token local part must fit in 64 octets");
    if (!EmailAddress::parse("x@" + _settings.domain))
        throw std::invalid_argument("verp.domain is not a valid domain: \"" + _settings.domain + "\"");
    if (_settings.mode == VerpMode::Token && _settings.key.size() < kMinKeyBytes)
        throw std::invalid_argument("the VERP key must hold at least 16 bytes");
}

std::string VerpCodec::tokenLocalPart(const EmailAddress& address) const
{
    const Sha256Digest mac = hmacSha256(_settings.key, address.normalized());
    return _settings.prefix + "-" + base32Lower(mac.data(), mac.size(), kTokenLength);
}

std::string VerpCodec::previousTokenLocalPart(const EmailAddress& address) const
{
    if (_settings.previousKey.empty())
        return {};
    const Sha256Digest mac = hmacSha256(_settings.previousKey, address.normalized());
    return _settings.prefix + "-" + base32Lower(mac.data(), mac.size(), kTokenLength);
}

std::optional<std::string> VerpCodec::plainLocalPart(const EmailAddress& address) const
{
    const std::string normalized = address.normalized();
    std::string local = _settings.prefix + "-" + normalized;
    // '=' stands for the '@': the domain never holds one, so decode splits at the last '='.
    local[local.rfind('@')] = '=';
    if (local.size() > kMaxLocalPart)
        return std::nullopt;
    return local;
}

std::string VerpCodec::localPart(const EmailAddress& address) const
{
    if (_settings.mode == VerpMode::Plain) {
        if (auto plain = plainLocalPart(address))
            return *plain;
    }
    return tokenLocalPart(address);
}

std::string VerpCodec::envelopeSender(const EmailAddress& address) const
{
    return localPart(address) + "@" + _settings.domain;
}

VerpDecoded VerpCodec::decode(std::string_view recipient) const
{
    if (recipient.size() >= 2 && recipient.front() == '<' && recipient.back() == '>')
        recipient = recipient.substr(1, recipient.size() - 2);
    if (recipient.empty())
        return failure("empty recipient");
    if (recipient.size() > kMaxRecipientLength)
        return failure("recipient too long");
    for (const char c : recipient) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x21 || b > 0x7e)
            return failure("recipient holds non-ASCII or control characters");
    }
    const auto at = recipient.rfind('@');
    if (at == std::string_view::npos)
        return failure("recipient has no '@'");

    const std::string local = lower(recipient.substr(0, at));
    if (local.size() > kMaxLocalPart)
        return failure("local part longer than 64 octets");
    const std::string expected = _settings.prefix + "-";
    if (local.compare(0, expected.size(), expected) != 0)
        return failure("local part does not start with \"" + expected + "\"");
    const std::string code = local.substr(expected.size());
    if (code.empty())
        return failure("nothing after the prefix");
    if (code.back() == '=')
        return failure("trailing '=' with no domain");

    VerpDecoded d;
    d.ok = true;
    d.localPart = local;
    d.domain = lower(recipient.substr(at + 1));
    // A plain code holds an '='; a token never does. Split at the last '=' because a
    // local part may hold '=' itself and a domain cannot.
    const auto eq = code.rfind('=');
    if (eq != std::string::npos && eq > 0)
        d.plainAddress = EmailAddress::parse(code.substr(0, eq) + "@" + code.substr(eq + 1));
    return d;
}

std::string readVerpKeyFile(const std::string& path)
{
    return readSecretKeyFile(path, "VERP key file");
}

} // namespace verpmail
