// MembershipDirectory: what the web handlers need of the database, behind an
// interface so that they are tested without MariaDB (MysqlMembershipDirectory is the
// real one, MembershipStore underneath).
//
// A failure of the database is a StoreUnavailable: the handlers answer 503 with
// Retry-After and have acknowledged nothing.
#pragma once

#include "verpmail/store/MembershipStore.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace verpmail::web {

/// The database cannot answer now. `transient`: it should pass by itself (down,
/// restarting, overloaded, a lock time-out); otherwise an operator must act (the
/// option file, the account's grants, the schema), and it is logged as an error.
class StoreUnavailable : public std::runtime_error
{
public:
    StoreUnavailable(const std::string& what, bool transient) : std::runtime_error(what), _transient(transient) {}
    bool transient() const { return _transient; }

private:
    bool _transient;
};

class MembershipDirectory
{
public:
    virtual ~MembershipDirectory() = default;

    /// The membership a genuine token names; nullopt for a malformed or forged token
    /// or a deleted membership (never which). @throws StoreUnavailable.
    virtual std::optional<Membership> byToken(std::string_view token) = 0;

    /// MembershipStore::unsubscribe: idempotent, audited. @throws StoreUnavailable.
    virtual OptOut unsubscribe(std::uint64_t memberId, const std::string& actor, const std::string& via) = 0;

    /// Returns when the database answers. @throws StoreUnavailable.
    virtual void ping() = 0;
};

} // namespace verpmail::web
