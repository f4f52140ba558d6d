// VerpCodec: the per-recipient envelope sender and its way back.
//
// Every message to a member leaves with the envelope sender
//     <prefix>-<code>@<bounce domain>
// and every return arrives at that address. Two codes exist:
//   token (default): a keyed hash of the normalised address, HMAC-SHA256 with a
//     secret key, its first 130 bits written in lower-case base32 (26
//     characters). Deterministic per address, so EncodedFROM identifies it; lower
//     case, so MTAs that fold case cannot break it; unforgeable without the key, so
//     nobody can make verpmail record bounces for addresses of their choosing.
//     Decoding needs the EmailAddressTracker row (EncodedFROM).
//   plain: "sentto-user=example.org", readable, decodable without the database.
//     An address whose plain form exceeds 64 octets falls back to a token.
//
//   VerpCodec codec({VerpMode::Token, "sentto", "bounces.example.org", key, {}, 30});
//   codec.envelopeSender(*EmailAddress::parse("a@b.org"));  // "sentto-...@bounces.example.org"
//   VerpDecoded d = codec.decode("SENTTO-USER=EXAMPLE.ORG@bounces.example.org");
#pragma once

#include "verpmail/mail/EmailAddress.h"

#include <optional>
#include <string>
#include <string_view>

namespace verpmail {

enum class VerpMode { Token, Plain };

struct VerpSettings
{
    VerpMode mode = VerpMode::Token;
    std::string prefix = "sentto";
    std::string domain;  ///< the bounce domain
    std::string key;     ///< secret for token mode (raw bytes); ignored in plain mode
    /// The key before the last rotation ("" none): the sender keeps an address's token
    /// under it beside the new one, for previousKeyDays, so late returns still count.
    std::string previousKey;
    unsigned previousKeyDays = 30;
};

/// The result of decoding an envelope recipient. On success `localPart` is the
/// lower-cased local part (the EncodedFROM lookup key) and `plainAddress` is set
/// when the local part also reads as a plain-mode address.
struct VerpDecoded
{
    bool ok = false;
    std::string problem;                      ///< why it is not one of ours, when !ok
    std::string localPart;                    ///< e.g. "sentto-abcd..."
    std::string domain;                       ///< lower-cased
    std::optional<EmailAddress> plainAddress;
};

class VerpCodec
{
public:
    static constexpr std::size_t kTokenLength = 26;  // 130 bits in base32
    static constexpr std::size_t kMaxLocalPart = 64; // RFC 5321 4.5.3.1.1

    /// @throws std::invalid_argument when the settings cannot work: prefix empty or
    /// not [a-z0-9.] or too long for a token, domain invalid, token mode with a key
    /// shorter than 16 bytes.
    explicit VerpCodec(VerpSettings settings);

    /// "<prefix>-<token>", always <= 64 octets.
    std::string tokenLocalPart(const EmailAddress& address) const;

    /// The token local part under previousKey, or "" without one.
    std::string previousTokenLocalPart(const EmailAddress& address) const;

    /// "<prefix>-<local>=<domain>", or nullopt when that exceeds 64 octets.
    std::optional<std::string> plainLocalPart(const EmailAddress& address) const;

    /// The local part for the configured mode (plain falls back to token when too long).
    std::string localPart(const EmailAddress& address) const;

    /// localPart(address) + "@" + bounce domain.
    std::string envelopeSender(const EmailAddress& address) const;

    /// Splits an envelope recipient into what it encodes. Never throws; rejects
    /// empty input, a missing '@', a wrong prefix, an empty code, a trailing '=',
    /// over-long or non-ASCII input. Does not require the bounce domain: Postfix's
    /// transport map already decided the message is ours.
    VerpDecoded decode(std::string_view recipient) const;

    const VerpSettings& settings() const { return _settings; }

private:
    VerpSettings _settings;
};

/// Reads a token key file and checks it is not readable by group or others.
/// @throws std::runtime_error naming the file and the problem.
std::string readVerpKeyFile(const std::string& path);

} // namespace verpmail
