// UnsubscribeAddress: the List-Unsubscribe mailto address at the bounce domain.
//
//     unsubscribe+4711-k3v2...@bounces.example.org
//
// verpmail-send names it in List-Unsubscribe (send.unsubscribeMailto =
// unsubscribe+{token}@<verp.domain>), and Postfix routes the bounce domain to the
// bouncer: mail to it is a member's opt-out, not a return. Its local part is
// bouncer.unsubscribeLocalPart (any case), '+', and a membership's unsubscribe token
// (UnsubscribeToken.h). This reads the address only; whether the token is genuine
// takes the key and the database (MessageProcessor).
//
//   const UnsubscribeAddress a = readUnsubscribeAddress("unsubscribe", "bounces.example.org", rcpt);
//   if (a.kind == UnsubscribeAddress::Kind::Token) ... a.token
#pragma once

#include <string>
#include <string_view>

namespace verpmail {

struct UnsubscribeAddress
{
    enum class Kind
    {
        None,       ///< not the unsubscribe address (or the feature is off)
        Token,      ///< LOCALPART+TOKEN at the bounce domain, the token well-formed
        Malformed,  ///< LOCALPART+... at the bounce domain, but no token after the '+'
    };
    Kind kind = Kind::None;
    std::string token;  ///< as written, when kind is Token
};

/// What `recipient` (an envelope address, with or without angle brackets) is. An empty
/// `localPart` (bouncer.unsubscribeLocalPart = "") makes every address None. Never
/// throws on input (any bytes, any length).
UnsubscribeAddress readUnsubscribeAddress(std::string_view localPart, std::string_view bounceDomain,
                                          std::string_view recipient);

} // namespace verpmail
