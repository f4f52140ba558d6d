#include "verpmail/report/Reports.h"

#include "verpmail/report/SuppressionReport.h"

#include "verpmail/db/MysqlConnection.h"

namespace verpmail {

void addSuppressionTable(Report& report, MysqlConnection& db)
{
    // The state the sender recorded: PolicyState (the policy engine) or, from
    // senders before it, SuppressedReason.
    MysqlStatement st = db.prepare(
        "SELECT COALESCE(NULLIF(SuppressedReason, ''), DecisionRule, 'unknown') AS reason, COUNT(*) AS n"
        " FROM EmailAddressTracker WHERE SuppressedReason IS NOT NULL OR PolicyState = 'suppressed'"
        " GROUP BY reason ORDER BY n DESC, reason");
    st.execute();
    ReportTable& t = report.addTable("suppressions", "Suppressed addresses by reason", {{"reason"}, {"addresses", true}});
    while (st.fetch())
        t.rows.push_back({Cell(st.text(0)), Cell(st.integer(1))});
}

Report suppressedReport(MysqlConnection& db, const PolicySettings& policy, const ReportWindow& window)
{
    Report report{"suppressed", "Addresses the policy suppresses now", window, false, {}, {}};
    const std::vector<SuppressedAddress> rows = suppressedAddresses(db, policy);
    ReportTable& t = report.addTable(
        "suppressed", "Addresses the policy suppresses now",
        {{"address"}, {"reason"}, {"rule"}, {"explanation"}, {"release"}, {"hard_bounces", true}, {"soft_bounces_in_window", true},
         {"complaints", true}, {"blocks", true}, {"last_bounce"}, {"suppressed_at"}});
    auto optional = [](const std::optional<std::string>& v) { return v ? Cell(*v) : Cell(); };
    for (const SuppressedAddress& r : rows)
        t.rows.push_back({Cell(r.address), Cell(r.decision.reason), Cell(r.decision.rule), Cell(r.decision.explanation),
                          Cell(r.decision.release),
                          Cell(static_cast<std::int64_t>(r.history.hardBounces)), Cell(static_cast<std::int64_t>(r.history.softBouncesInWindow)),
                          Cell(static_cast<std::int64_t>(r.history.complaints)), Cell(static_cast<std::int64_t>(r.history.blocks)),
                          optional(r.lastBounce), optional(r.suppressedAt)});
    t.footer = std::to_string(rows.size()) + " suppressed address" + (rows.size() == 1 ? "" : "es");
    return report;
}

} // namespace verpmail
