#include "AddressCommands.h"

#include "AdminApp.h"
#include "Audit.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/mail/EmailAddress.h"
#include "verpmail/store/AddressPolicyStore.h"
#include "verpmail/util/Printable.h"

namespace verpmail {

std::string normalizedAddress(const std::string& text)
{
    const std::optional<EmailAddress> address = EmailAddress::parse(text);
    if (!address)
        throw AdminError(ExitStatus::DataErr, "not a valid address: \"" + printable(text) + "\"");
    return address->normalized();
}

std::uint64_t restorePolicyMemberships(MysqlConnection& db, const std::string& email)
{
    return AddressPolicyStore(db).restorePolicyMemberships(email);
}

ExitStatus resetAddress(MysqlConnection& db, const std::string& addressText, std::ostream& out)
{
    const std::string email = normalizedAddress(addressText);
    const std::optional<AddressChange> change = AddressPolicyStore(db).reset(email, auditActor());
    if (!change)
        throw AdminError(ExitStatus::DataErr, "no tracker row for " + email + " (never mailed): nothing to reset");
    out << "reset address=" << email << " " << change->detail << "\n";
    return ExitStatus::Ok;
}

ExitStatus ignoreAddress(MysqlConnection& db, const std::string& addressText, bool ignore, std::ostream& out)
{
    const std::string email = normalizedAddress(addressText);
    const std::optional<AddressChange> change = AddressPolicyStore(db).ignore(email, ignore, auditActor());
    if (!change)
        throw AdminError(ExitStatus::DataErr, "no tracker row for " + email + " (never mailed)");
    out << "ignore address=" << email << " " << change->detail << "\n";
    return ExitStatus::Ok;
}

} // namespace verpmail
