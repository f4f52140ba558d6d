// UnsubscribeToken: the token in a member's List-Unsubscribe URL and mailto address.
//
//     <member id>-<mac>        e.g. "4711-k3v2...(26 base32 characters)"
//
// The member id is the membership's number (members.id): the token names one list's
// membership of one address. The mac is HMAC-SHA256 over the list id, the member id
// and the normalised address, its first 130 bits in lower-case base32, under a key
// derived for this purpose alone from unsubscribe.keyFile. So a token cannot be
// forged, is worthless for any other list or address, and tells its reader nothing
// that could forge a return (the VERP token is another key's, VerpCodec.h).
//
//   UnsubscribeTokens tokens(readSecretKeyFile(path, "unsubscribe key file"));
//   std::string t = tokens.make(4711, 3, "a@example.org");
//   auto parsed = UnsubscribeTokens::parse(t);          // syntax only
//   tokens.verify(*parsed, 3, "a@example.org");         // true
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace verpmail {

struct ParsedUnsubscribeToken
{
    std::uint64_t memberId = 0;
    std::string mac;  ///< 26 lower-case base32 characters
};

class UnsubscribeTokens
{
public:
    static constexpr std::size_t kMacLength = 26;  // 130 bits
    static constexpr std::size_t kMaxLength = 20 + 1 + kMacLength;

    /// @param fileKey the bytes of unsubscribe.keyFile.
    /// @throws std::invalid_argument when the key has fewer than 16 bytes.
    explicit UnsubscribeTokens(std::string_view fileKey);

    std::string make(std::uint64_t memberId, std::uint64_t listId, std::string_view normalizedEmail) const;

    /// Checks the mac in constant time against the membership the id names.
    bool verify(const ParsedUnsubscribeToken& token, std::uint64_t listId, std::string_view normalizedEmail) const;

    /// The parts of a token, or nullopt when `text` is not one (never throws; any
    /// input, any length). Upper case is folded: some clients change case.
    static std::optional<ParsedUnsubscribeToken> parse(std::string_view text);

private:
    std::string mac(std::uint64_t memberId, std::uint64_t listId, std::string_view normalizedEmail) const;

    std::string _key;  ///< derived from the file's key for unsubscribe tokens only
};

} // namespace verpmail
