#include "PurgeCommand.h"

#include "AdminApp.h"
#include "Audit.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/TrackerStore.h"

#include <algorithm>
#include <stdexcept>

namespace verpmail {
namespace {

constexpr std::size_t kBatchRows = 10000;

std::string placeholders(std::size_t n)
{
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += i ? ",?" : "?";
    return out;
}

// The rows older than the cutoff that purge may remove: everything except the
// returns a rule without a window (counting since the last reset) could still
// match, of addresses the policy has not suppressed, since their last reset.
struct Purgeable
{
    std::string where;  // after "WHERE bounced_at < ?"
    std::vector<SqlValue> params;
};

Purgeable purgeable(const PolicySettings& policy)
{
    Purgeable p;
    std::string match;
    for (const PolicyRule& rule : policy.rules) {
        if (rule.windowDays != 0)
            continue;
        std::string m = "bounce_type IN ('hard','soft','complaint')";
        if (rule.matchClass) {
            m += " AND bounce_type = ?";
            p.params.emplace_back(toString(*rule.matchClass));
        }
        if (!rule.matchReason.empty()) {
            m += " AND bounce_reason = ?";
            p.params.emplace_back(rule.matchReason);
        }
        match += (match.empty() ? "(" : " OR (") + m + ")";
    }
    if (match.empty())
        return p;
    p.where = " AND NOT (email IS NOT NULL AND incident_id IS NULL AND (" + match +
              ") AND EXISTS (SELECT 1 FROM EmailAddressTracker t WHERE t.EmailAddress = bounce_logs.email"
              " AND t.PolicyState <> 'suppressed' AND (t.CountsResetAt IS NULL OR bounce_logs.bounced_at >= t.CountsResetAt)))";
    return p;
}

std::vector<SqlValue> withCutoff(const std::string& cutoff, const Purgeable& p)
{
    std::vector<SqlValue> params{cutoff};
    params.insert(params.end(), p.params.begin(), p.params.end());
    return params;
}

// One batch in one transaction: lock the oldest rows, roll them up, delete them,
// record progress. Returns the rows purged (0: nothing left).
std::size_t purgeBatch(MysqlConnection& db, const std::string& cutoff, const Purgeable& which, std::uint64_t& auditId,
                       std::size_t& total, std::size_t& batches)
{
    Transaction tx(db);
    MysqlStatement pick = db.prepare("SELECT id FROM bounce_logs WHERE bounced_at < ?" + which.where +
                                     " ORDER BY bounced_at, id LIMIT ? FOR UPDATE");
    std::vector<SqlValue> pickParams = withCutoff(cutoff, which);
    pickParams.emplace_back(static_cast<std::int64_t>(kBatchRows));
    pick.execute(pickParams);
    std::vector<SqlValue> ids;
    while (pick.fetch())
        ids.emplace_back(pick.integer(0));
    if (ids.empty())
        return 0;
    const std::string in = " WHERE id IN (" + placeholders(ids.size()) + ")";
    // The roll-up groups the rows as the counters count them (the counted_returns
    // view), so moving them leaves every counter's sources summing to the same.
    MysqlStatement rollup = db.prepare(
        "INSERT INTO bounce_daily (day, domain, bounce_type, bounce_reason, campaign, return_count)"
        " SELECT day, domain, bounce_type, bounce_reason, campaign, COUNT(*) FROM counted_returns" + in +
        " GROUP BY day, domain, bounce_type, bounce_reason, campaign"
        " ON DUPLICATE KEY UPDATE return_count = return_count + VALUES(return_count)");
    rollup.execute(ids);
    MysqlStatement remove = db.prepare("DELETE FROM bounce_logs" + in);
    remove.execute(ids);
    if (remove.affectedRows() != ids.size())
        throw std::runtime_error("purge: rolled up " + std::to_string(ids.size()) + " rows but deleted " +
                                 std::to_string(remove.affectedRows()));
    total += ids.size();
    ++batches;
    const std::string detail = "cutoff=" + cutoff + " rows=" + std::to_string(total) +
                               " batches=" + std::to_string(batches);
    if (auditId == 0)
        auditId = writeAudit(db, "purge", "bounce_logs", detail);
    else
        updateAudit(db, auditId, detail);
    tx.commit();
    return ids.size();
}

} // namespace

ExitStatus purgeReturns(MysqlConnection& db, const PolicySettings& policy, const ReportWindow& window, bool dryRun,
                        std::ostream& out)
{
    const std::string cutoff = window.sinceDay + " 00:00:00";
    unsigned longest = 0;
    for (const PolicyRule& rule : policy.rules)
        longest = std::max(longest, rule.windowDays);
    if (cutoff > utcDaysAgo(longest))
        throw AdminError(ExitStatus::Usage, "--older-than " + window.text + " reaches into the policy's " +
                                                std::to_string(longest) +
                                                "-day rule window: those returns still count (purge keeps at least " +
                                                std::to_string(longest) + " days)");
    const Purgeable which = purgeable(policy);
    MysqlStatement older = db.prepare("SELECT COUNT(*), MIN(bounced_at) FROM bounce_logs WHERE bounced_at < ?");
    older.execute({cutoff});
    older.fetch();
    const std::int64_t before = older.integer(0);
    const std::string oldest = older.optionalText(1).value_or("-");
    if (dryRun) {
        MysqlStatement st = db.prepare("SELECT COUNT(*) FROM bounce_logs WHERE bounced_at < ?" + which.where);
        st.execute(withCutoff(cutoff, which));
        st.fetch();
        out << "purge dry-run cutoff=\"" << cutoff << "\" rows=" << st.integer(0)
            << " kept=" << before - st.integer(0) << " oldest=\"" << oldest << "\"\n";
        return ExitStatus::Ok;
    }
    std::uint64_t auditId = 0;
    std::size_t total = 0, batches = 0;
    while (purgeBatch(db, cutoff, which, auditId, total, batches) == kBatchRows) {
    }
    if (auditId == 0)
        writeAudit(db, "purge", "bounce_logs", "cutoff=" + cutoff + " rows=0 batches=0");
    out << "purge cutoff=\"" << cutoff << "\" rows=" << total << " batches=" << batches
        << " kept=" << before - static_cast<std::int64_t>(total) << "\n";
    return ExitStatus::Ok;
}

} // namespace verpmail
