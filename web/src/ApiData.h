// ApiData: what the API handlers need of the database, behind an interface so that
// they are tested without MariaDB (MysqlApiData is the real one, over the stores).
// Every call may throw StoreUnavailable (MembershipDirectory.h): the API answers 503
// with Retry-After and has changed nothing.
#pragma once

#include "MembershipDirectory.h"

#include "verpmail/report/ReportModel.h"
#include "verpmail/store/ApiTokenStore.h"
#include "verpmail/store/ListingStore.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail::web {

/// What an operator asks of a member (AddressPolicyStore).
struct MemberChangeRequest
{
    enum class Kind { Reset, Ignore, Unsubscribe, Resubscribe };
    Kind kind = Kind::Reset;
    bool on = false;    ///< Ignore: IgnoreBounces on or off
    std::string actor;  ///< "api:NAME"
};

struct MemberChange
{
    enum class Outcome
    {
        Done,
        NoSuchMember,  ///< nothing changed
        NeverMailed,   ///< reset, ignore: the address has no tracker row; nothing changed
    };
    Outcome outcome = Outcome::NoSuchMember;
    std::string detail;                ///< the audit row's detail
    std::optional<MemberDetail> after; ///< Done: the membership and tracker now
};

struct TokenCreation
{
    enum class Outcome { Created, NameTaken };
    Outcome outcome = Outcome::Created;
    NewApiToken made;  ///< Created: the token, shown once
};

/// A report to build (Reports.h reportByName).
struct ReportRequest
{
    std::string name;  ///< isReportName
    std::optional<std::string> campaign;  ///< campaign: one (a valid id), or nullopt for every one
    ReportWindow window;
};

class ApiData
{
public:
    virtual ~ApiData() = default;

    /// Returns when the database answers.
    virtual void ping() = 0;

    /// ApiTokenStore::authenticate: the valid token `bearer` is, or nullopt.
    virtual std::optional<ApiTokenInfo> authenticate(std::string_view bearer) = 0;

    /// ListingStore::lists.
    virtual std::vector<ListSummary> lists() = 0;

    /// ListingStore::members: up to filter.limit + 1 rows; nullopt for no such list.
    virtual std::optional<std::vector<MemberRow>> members(const std::string& list, const MemberFilter& filter) = 0;

    /// ListingStore::member, bounces, decisions.
    virtual std::optional<MemberDetail> member(std::uint64_t id) = 0;
    virtual std::vector<BounceRow> bounces(const std::string& email, unsigned limit) = 0;
    virtual std::vector<DecisionRow> decisions(const std::string& email, unsigned limit) = 0;

    /// Changes member `id` (its address for reset and ignore) with its audit row, in
    /// one transaction, and reads it back.
    virtual MemberChange change(std::uint64_t id, const MemberChangeRequest& request) = 0;

    /// ApiTokenStore::list, create (a valid name), revoke; each change audited as `actor`.
    virtual std::vector<ApiTokenInfo> tokens() = 0;
    virtual TokenCreation createToken(const std::string& name, ApiRole role, const std::string& actor) = 0;
    virtual bool revokeToken(const std::string& name, const std::string& actor) = 0;

    /// reportByName, with the policy of the configuration (suppressed, incidents);
    /// nullopt when the campaign asked for names none.
    virtual std::optional<Report> report(const ReportRequest& request) = 0;
};

} // namespace verpmail::web
