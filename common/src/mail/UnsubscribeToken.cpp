#include "verpmail/mail/UnsubscribeToken.h"

#include "verpmail/util/Base32.h"
#include "verpmail/util/Hmac.h"

#include <stdexcept>

namespace verpmail {
namespace {

// Domain separation: the file's key is never used as an HMAC key itself, so a key
// file copied into another role by mistake still cannot mint these tokens' macs.
constexpr std::string_view kPurpose = "verpmail unsubscribe token v1";

} // namespace

UnsubscribeTokens::UnsubscribeTokens(std::string_view fileKey)
{
    if (fileKey.size() < 16)
        throw std::invalid_argument("the unsubscribe key must hold at least 16 bytes");
    const Sha256Digest derived = hmacSha256(fileKey, kPurpose);
    _key.assign(reinterpret_cast<const char*>(derived.data()), derived.size());
}

std::string UnsubscribeTokens::mac(std::uint64_t memberId, std::uint64_t listId, std::string_view normalizedEmail) const
{
    std::string message = std::to_string(listId);
    message += '\0';
    message += std::to_string(memberId);
    message += '\0';
    message += normalizedEmail;
    const Sha256Digest digest = hmacSha256(_key, message);
    return base32Lower(digest.data(), digest.size(), kMacLength);
}

std::string UnsubscribeTokens::make(std::uint64_t memberId, std::uint64_t listId, std::string_view normalizedEmail) const
{
    return std::to_string(memberId) + "-" + mac(memberId, listId, normalizedEmail);
}

bool UnsubscribeTokens::verify(const ParsedUnsubscribeToken& token, std::uint64_t listId,
                               std::string_view normalizedEmail) const
{
    const std::string expected = mac(token.memberId, listId, normalizedEmail);
    if (token.mac.size() != expected.size())
        return false;
    unsigned char differ = 0;
    for (std::size_t i = 0; i < expected.size(); ++i)
        differ |= static_cast<unsigned char>(token.mac[i] ^ expected[i]);
    return differ == 0;
}

std::optional<ParsedUnsubscribeToken> UnsubscribeTokens::parse(std::string_view text)
{
    if (text.empty() || text.size() > kMaxLength)
        return std::nullopt;
    const std::size_t dash = text.find('-');
    if (dash == 0 || dash == std::string_view::npos || dash > 20 || text.size() - dash - 1 != kMacLength)
        return std::nullopt;
    ParsedUnsubscribeToken token;
    for (std::size_t i = 0; i < dash; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9' || (i == 0 && c == '0'))
            return std::nullopt;
        const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
        if (token.memberId > (UINT64_MAX - digit) / 10)
            return std::nullopt;
        token.memberId = token.memberId * 10 + digit;
    }
    for (char c : text.substr(dash + 1)) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')))
            return std::nullopt;
        token.mac += c;
    }
    return token;
}

} // namespace verpmail
