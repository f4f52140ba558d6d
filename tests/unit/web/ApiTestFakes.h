// Fakes for the API tests: an ApiData in memory that pages as ListingStore does
// (by address, after a cursor, limit + 1 rows), knows three tokens, one per role,
// builds a small report of any name (one table, one chart) for the campaigns it
// knows, and can be made to fail like a database that is down.
#pragma once

#include "ApiData.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace verpmail::web::testing {

inline const std::string kViewerToken = "vm_" + std::string(32, 'a');
inline const std::string kOperatorToken = "vm_" + std::string(32, 'b');
inline const std::string kAdminToken = "vm_" + std::string(32, 'c');
inline const std::string kRevokedToken = "vm_" + std::string(32, 'd');

class FakeApiData : public ApiData
{
public:
    FakeApiData()
    {
        tokenTable[kViewerToken] = {1, "dash", ApiRole::Viewer, "2026-01-01 00:00:00", "root", ""};
        tokenTable[kOperatorToken] = {2, "ops", ApiRole::Operator, "2026-01-01 00:00:00", "root", ""};
        tokenTable[kAdminToken] = {3, "boss", ApiRole::Admin, "2026-01-01 00:00:00", "root", ""};
    }

    void ping() override { failIfDown(); }

    std::optional<ApiTokenInfo> authenticate(std::string_view bearer) override
    {
        ++authentications;
        failIfDown();
        const auto found = tokenTable.find(std::string(bearer));
        if (found == tokenTable.end() || !found->second.revokedAt.empty())
            return std::nullopt;
        return found->second;
    }

    std::vector<ListSummary> lists() override
    {
        failIfDown();
        return summaries;
    }

    std::optional<std::vector<MemberRow>> members(const std::string& list, const MemberFilter& filter) override
    {
        failIfDown();
        seenFilters.push_back(filter);
        const auto found = rows.find(list);
        if (found == rows.end())
            return std::nullopt;
        std::vector<MemberRow> all = found->second;
        std::sort(all.begin(), all.end(), [](const MemberRow& a, const MemberRow& b) { return a.email < b.email; });
        std::vector<MemberRow> out;
        for (const MemberRow& m : all) {
            if (!filter.after.empty() && !(m.email > filter.after))
                continue;
            if (!filter.contains.empty() && m.email.find(filter.contains) == std::string::npos)
                continue;
            if (!filter.status.empty() && m.bounceStatus != filter.status)
                continue;
            if (filter.active && m.active != *filter.active)
                continue;
            if (out.size() == filter.limit + 1)
                break;
            out.push_back(m);
        }
        return out;
    }

    std::optional<MemberDetail> member(std::uint64_t id) override
    {
        failIfDown();
        const auto found = details.find(id);
        if (found == details.end())
            return std::nullopt;
        return found->second;
    }

    std::vector<BounceRow> bounces(const std::string& email, unsigned limit) override
    {
        failIfDown();
        limits.push_back(limit);
        std::vector<BounceRow> out = bounceRows[email];
        if (out.size() > limit)
            out.resize(limit);
        return out;
    }

    std::vector<DecisionRow> decisions(const std::string& email, unsigned limit) override
    {
        failIfDown();
        limits.push_back(limit);
        std::vector<DecisionRow> out = decisionRows[email];
        if (out.size() > limit)
            out.resize(limit);
        return out;
    }

    MemberChange change(std::uint64_t id, const MemberChangeRequest& request) override
    {
        failIfDown();
        changes.push_back(request);
        MemberChange result;
        const auto found = details.find(id);
        if (found == details.end())
            return result;
        if (neverMailed) {
            result.outcome = MemberChange::Outcome::NeverMailed;
            return result;
        }
        MemberDetail& d = found->second;
        using Kind = MemberChangeRequest::Kind;
        if (request.kind == Kind::Unsubscribe || request.kind == Kind::Resubscribe) {
            d.member.active = request.kind == Kind::Resubscribe;
            d.member.inactiveReason = d.member.active ? std::nullopt : std::optional<std::string>("unsubscribed");
        } else if (d.tracker && request.kind == Kind::Ignore) {
            d.tracker->ignoreBounces = request.on;
        } else if (d.tracker) {
            d.tracker->policyState = "active";
        }
        result.outcome = MemberChange::Outcome::Done;
        result.detail = "done";
        result.after = d;
        return result;
    }

    std::vector<ApiTokenInfo> tokens() override
    {
        failIfDown();
        std::vector<ApiTokenInfo> out;
        for (const auto& [token, info] : tokenTable)
            out.push_back(info);
        return out;
    }

    TokenCreation createToken(const std::string& name, ApiRole role, const std::string& actor) override
    {
        failIfDown();
        TokenCreation result;
        for (const auto& [token, info] : tokenTable)
            if (info.name == name)
                result.outcome = TokenCreation::Outcome::NameTaken;
        if (result.outcome == TokenCreation::Outcome::NameTaken)
            return result;
        result.made.token = "vm_" + std::string(32, static_cast<char>('e' + tokenTable.size()));
        result.made.info = {tokenTable.size() + 1, name, role, "2026-02-02 00:00:00", actor, ""};
        tokenTable[result.made.token] = result.made.info;
        ++tokenChanges;
        return result;
    }

    bool revokeToken(const std::string& name, const std::string& actor) override
    {
        failIfDown();
        for (auto& [token, info] : tokenTable)
            if (info.name == name && info.revokedAt.empty()) {
                info.revokedAt = "2026-02-03 00:00:00 by " + actor;
                ++tokenChanges;
                return true;
            }
        return false;
    }

    std::optional<Report> report(const ReportRequest& request) override
    {
        failIfDown();
        reportRequests.push_back(request);
        if (request.campaign && *request.campaign != knownCampaign)
            return std::nullopt;
        Report r{request.name, "Fake " + request.name, request.window, true, {}, {}};
        ReportTable& t = r.addTable("rows", "Rows", {{"campaign"}, {"sent", true}, {"hard", true}});
        t.rows.push_back({Cell(request.campaign.value_or("all")), Cell(std::int64_t{12}), Cell(std::int64_t{3})});
        r.charts.push_back({"chart-rows", "Rows", ChartKind::HorizontalBars, "rows", {"campaign"}, {"sent"}, "", 0});
        return r;
    }

    std::string knownCampaign = "c-2026.1";
    std::vector<ReportRequest> reportRequests;
    int tokenChanges = 0;
    std::vector<MemberChangeRequest> changes;
    bool neverMailed = false;
    std::map<std::string, ApiTokenInfo> tokenTable;
    std::map<std::uint64_t, MemberDetail> details;
    std::map<std::string, std::vector<BounceRow>> bounceRows;
    std::map<std::string, std::vector<DecisionRow>> decisionRows;
    std::vector<unsigned> limits;
    std::vector<ListSummary> summaries;
    std::map<std::string, std::vector<MemberRow>> rows;
    std::vector<MemberFilter> seenFilters;
    int authentications = 0;
    bool down = false;

private:
    void failIfDown() const
    {
        if (down)
            throw StoreUnavailable("database: MySQL error 2002 (HY000): Can't connect", true);
    }
};

} // namespace verpmail::web::testing
