#include "verpmail/report/Reports.h"

#include "verpmail/store/IncidentStore.h"

namespace verpmail {

Report incidentsReport(MysqlConnection& db, const PolicySettings& policy, const ReportWindow& window)
{
    Report report{"incidents", "Domain incidents, open and seen in the window", window, true, {}, {}};
    ReportTable& t = report.addTable(
        "incidents", "Domain incidents",
        {{"id", true}, {"domain"}, {"class"}, {"reason"}, {"state"}, {"opened_at"}, {"last_seen"}, {"pause_ends"},
         {"members", true}, {"mailed", true}, {"share", true}, {"hosts", true}, {"returns", true}});
    std::size_t open = 0, pausing = 0;
    const std::vector<IncidentRow> rows = IncidentStore(db, policy.incident).list(window.since);
    for (const IncidentRow& r : rows) {
        open += r.open;
        pausing += r.pausing;
        // pausing: the sender holds mail to the domain back now; open: returns still
        // join it, but the pause is over (maxPauseMinutes) or off; closed: over.
        const char* state = r.pausing ? "pausing" : r.open ? "open" : "closed";
        t.rows.push_back({Cell(static_cast<std::int64_t>(r.id)), Cell(r.domain), Cell(r.type), Cell(r.reason), Cell(state),
                          Cell(r.openedAt), Cell(r.lastSeen), policy.incident.pauseSending ? Cell(r.pauseEnds) : Cell(),
                          Cell(static_cast<std::int64_t>(r.members)), Cell(static_cast<std::int64_t>(r.mailed)),
                          r.mailed ? Cell(static_cast<double>(r.members) / r.mailed) : Cell(),
                          Cell(static_cast<std::int64_t>(r.hosts)), Cell(static_cast<std::int64_t>(r.returns))});
    }
    t.footer = std::to_string(rows.size()) + " incident" + (rows.size() == 1 ? "" : "s") + ", " + std::to_string(open) +
               " open, " + std::to_string(pausing) + " holding mail back";
    return report;
}

} // namespace verpmail
