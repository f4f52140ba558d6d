#include "MysqlApiData.h"

#include "verpmail/report/Reports.h"
#include "verpmail/store/AddressPolicyStore.h"

namespace verpmail::web {

void MysqlApiData::ping()
{
    _pool.with<bool>([](MysqlConnection& db) {
        // Needs no privilege, and fails on a connection the server has dropped.
        db.execute("DO 1");
        return true;
    });
}

std::optional<ApiTokenInfo> MysqlApiData::authenticate(std::string_view bearer)
{
    return _pool.with<std::optional<ApiTokenInfo>>(
        [&](MysqlConnection& db) { return ApiTokenStore(db).authenticate(bearer); });
}

std::vector<ListSummary> MysqlApiData::lists()
{
    return _pool.with<std::vector<ListSummary>>([](MysqlConnection& db) { return ListingStore(db).lists(); });
}

std::optional<std::vector<MemberRow>> MysqlApiData::members(const std::string& list, const MemberFilter& filter)
{
    return _pool.with<std::optional<std::vector<MemberRow>>>(
        [&](MysqlConnection& db) { return ListingStore(db).members(list, filter); });
}

std::optional<MemberDetail> MysqlApiData::member(std::uint64_t id)
{
    return _pool.with<std::optional<MemberDetail>>([&](MysqlConnection& db) { return ListingStore(db).member(id); });
}

std::vector<BounceRow> MysqlApiData::bounces(const std::string& email, unsigned limit)
{
    return _pool.with<std::vector<BounceRow>>(
        [&](MysqlConnection& db) { return ListingStore(db).bounces(email, limit); });
}

std::vector<DecisionRow> MysqlApiData::decisions(const std::string& email, unsigned limit)
{
    return _pool.with<std::vector<DecisionRow>>(
        [&](MysqlConnection& db) { return ListingStore(db).decisions(email, limit); });
}

MemberChange MysqlApiData::change(std::uint64_t id, const MemberChangeRequest& request)
{
    return _pool.with<MemberChange>([&](MysqlConnection& db) {
        MemberChange result;
        ListingStore listing(db);
        const std::optional<MemberDetail> before = listing.member(id);
        if (!before)
            return result;
        AddressPolicyStore store(db);
        const std::string& email = before->member.email;
        using Kind = MemberChangeRequest::Kind;
        if (request.kind == Kind::Reset || request.kind == Kind::Ignore) {
            const std::optional<AddressChange> change = request.kind == Kind::Reset
                                                            ? store.reset(email, request.actor)
                                                            : store.ignore(email, request.on, request.actor);
            if (!change) {
                result.outcome = MemberChange::Outcome::NeverMailed;
                return result;
            }
            result.detail = change->detail;
        } else {
            const std::optional<SubscriptionChange> change = store.setSubscribed(
                before->listId, before->listName, email, request.kind == Kind::Resubscribe, request.actor);
            if (!change)
                return result;  // removed since it was read
            result.detail = change->detail;
        }
        result.outcome = MemberChange::Outcome::Done;
        result.after = listing.member(id);
        return result;
    });
}

std::vector<ApiTokenInfo> MysqlApiData::tokens()
{
    return _pool.with<std::vector<ApiTokenInfo>>([](MysqlConnection& db) { return ApiTokenStore(db).list(); });
}

TokenCreation MysqlApiData::createToken(const std::string& name, ApiRole role, const std::string& actor)
{
    return _pool.with<TokenCreation>([&](MysqlConnection& db) {
        TokenCreation result;
        try {
            result.made = ApiTokenStore(db).create(name, role, actor);
        } catch (const ApiTokenNameTaken&) {
            result.outcome = TokenCreation::Outcome::NameTaken;
        }
        return result;
    });
}

bool MysqlApiData::revokeToken(const std::string& name, const std::string& actor)
{
    return _pool.with<bool>([&](MysqlConnection& db) { return ApiTokenStore(db).revoke(name, actor); });
}

std::optional<Report> MysqlApiData::report(const ReportRequest& request)
{
    return _pool.with<std::optional<Report>>([&](MysqlConnection& db) -> std::optional<Report> {
        // Caught here, so the connection is kept: an unknown campaign is bad input.
        try {
            return reportByName(db, _policy, request.name, request.campaign, request.window);
        } catch (const UnknownCampaign&) {
            return std::nullopt;
        }
    });
}

} // namespace verpmail::web
