#include "UnsubscribeAddress.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/mail/UnsubscribeToken.h"

namespace verpmail {

UnsubscribeAddress readUnsubscribeAddress(std::string_view localPart, std::string_view bounceDomain,
                                          std::string_view recipient)
{
    UnsubscribeAddress address;
    if (localPart.empty())
        return address;
    if (recipient.size() >= 2 && recipient.front() == '<' && recipient.back() == '>')
        recipient = recipient.substr(1, recipient.size() - 2);
    // Split at the last '@': a quoted local part may hold one, a domain cannot.
    const std::size_t at = recipient.rfind('@');
    if (at == std::string_view::npos || !bounce::iequals(recipient.substr(at + 1), bounceDomain))
        return address;
    const std::string_view local = recipient.substr(0, at);
    if (local.size() <= localPart.size() || local[localPart.size()] != '+' ||
        !bounce::iequals(local.substr(0, localPart.size()), localPart))
        return address;
    const std::string_view token = local.substr(localPart.size() + 1);
    // Only the token's shape here: a malformed one is refused at RCPT like any local
    // part that cannot be ours, and needs neither the key nor the database.
    if (!UnsubscribeTokens::parse(token)) {
        address.kind = UnsubscribeAddress::Kind::Malformed;
        return address;
    }
    address.kind = UnsubscribeAddress::Kind::Token;
    address.token = std::string(token);
    return address;
}

} // namespace verpmail
