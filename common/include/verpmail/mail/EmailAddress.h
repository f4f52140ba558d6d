// EmailAddress: a validated, normalised mailbox address (local@domain).
//
//   auto a = verpmail::EmailAddress::parse(" User@Example.ORG ");
//   if (a) use(a->str());   // "User@example.org"
//
// The domain is lower-cased (domains are case-insensitive); the local part keeps its
// case, as RFC 5321 requires, but equality for list membership is decided on the
// normalised form, which lower-cases the whole address: no real mailbox provider
// distinguishes local parts by case, and a list must not hold a member twice.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace verpmail {

class EmailAddress
{
public:
    /// Parses a bare address, optionally in angle brackets, with surrounding blanks.
    /// Returns nullopt for anything that is not a plausible deliverable address:
    /// empty, no '@', empty local part or domain, over-long (local > 64, total > 254),
    /// control characters, blanks or quotes inside, a domain without a dot or with
    /// characters outside [A-Za-z0-9.-].
    static std::optional<EmailAddress> parse(std::string_view text);

    const std::string& str() const { return _address; }
    std::string_view localPart() const;
    std::string_view domain() const;

    /// The key under which the address is tracked: all lower-case.
    std::string normalized() const;

    bool operator==(const EmailAddress& other) const { return _address == other._address; }

private:
    explicit EmailAddress(std::string address, std::size_t at) : _address(std::move(address)), _at(at) {}

    std::string _address;
    std::size_t _at;
};

} // namespace verpmail
