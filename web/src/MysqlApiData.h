// MysqlApiData: ApiData over the ConnectionPool and the stores (ApiTokenStore,
// ListingStore, AddressPolicyStore) and the report library (verpmail/report). The pool repeats a call once on a new
// connection when a kept one was found closed, before anything ran on it; a change
// is one transaction, so it is made once or not at all.
#pragma once

#include "ApiData.h"
#include "ConnectionPool.h"

#include "verpmail/policy/Policy.h"

#include <utility>

namespace verpmail::web {

class MysqlApiData : public ApiData
{
public:
    /// `policy`: policySettingsFrom(config), as the sender and the admin read it, so
    /// the suppressed and incidents reports say what they would.
    MysqlApiData(ConnectionPool& pool, PolicySettings policy) : _pool(pool), _policy(std::move(policy)) {}

    void ping() override;
    std::optional<ApiTokenInfo> authenticate(std::string_view bearer) override;
    std::vector<ListSummary> lists() override;
    std::optional<std::vector<MemberRow>> members(const std::string& list, const MemberFilter& filter) override;
    std::optional<MemberDetail> member(std::uint64_t id) override;
    std::vector<BounceRow> bounces(const std::string& email, unsigned limit) override;
    std::vector<DecisionRow> decisions(const std::string& email, unsigned limit) override;
    MemberChange change(std::uint64_t id, const MemberChangeRequest& request) override;
    std::vector<ApiTokenInfo> tokens() override;
    TokenCreation createToken(const std::string& name, ApiRole role, const std::string& actor) override;
    bool revokeToken(const std::string& name, const std::string& actor) override;
    std::optional<Report> report(const ReportRequest& request) override;

private:
    ConnectionPool& _pool;
    const PolicySettings _policy;
};

} // namespace verpmail::web
