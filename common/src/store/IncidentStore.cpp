#include "verpmail/store/IncidentStore.h"

#include "verpmail/db/MysqlConnection.h"

#include <algorithm>
#include <cstdio>

namespace verpmail {
namespace {

// Open: not closed by hand, and a return joined it within closeAfterMinutes. The one
// definition, for linking, pausing and the report.
constexpr const char* kOpen = "closed_at IS NULL AND last_seen >= UTC_TIMESTAMP() - INTERVAL ? MINUTE";

std::int64_t minutes(unsigned value) { return static_cast<std::int64_t>(value); }

} // namespace

std::string describe(const OpenedIncident& incident)
{
    const IncidentEvidence& e = incident.evidence;
    char share[32];
    std::snprintf(share, sizeof share, "%.2f", e.mailed ? static_cast<double>(e.members) / e.mailed : 0.0);
    return "id=" + std::to_string(incident.id) + " domain=" + incident.domain + " class=" + incident.type +
           " reason=" + incident.reason + " members=" + std::to_string(e.members) + " mailed=" +
           std::to_string(e.mailed) + " share=" + share + " hosts=" + std::to_string(e.hosts);
}

std::optional<OpenedIncident> IncidentStore::link(std::uint64_t bounceId, const std::string& email,
                                                  const std::string& domain, const std::string& type,
                                                  const std::string& reason)
{
    // Serialise incident bookkeeping per domain across concurrent bouncers; a lock
    // that cannot be had quickly just skips it (the next return will try again).
    MysqlStatement lock = _db.prepare("SELECT GET_LOCK(CONCAT('verpmail.incident.', ?), 2)");
    lock.execute({domain});
    if (!lock.fetch() || lock.integer(0) != 1)
        return std::nullopt;
    struct Release
    {
        MysqlConnection& db;
        const std::string& domain;
        ~Release()
        {
            try {
                MysqlStatement release = db.prepare("DO RELEASE_LOCK(CONCAT('verpmail.incident.', ?))");
                release.execute({domain});
            } catch (...) {
            }
        }
    } release{_db, domain};

    MysqlStatement current = _db.prepare(std::string("SELECT id FROM domain_incidents WHERE domain = ? AND bounce_type = ?"
                                                     " AND reason = ? AND ") + kOpen + " ORDER BY id DESC LIMIT 1");
    current.execute({domain, type, reason, minutes(_settings.closeAfterMinutes)});
    if (!current.fetch())
        return open(domain, type, reason);

    // Counted as they join, not recounted: a recount would read the whole incident
    // (bounce_logs has no index on incident_id) for every return of an outage.
    const std::int64_t incident = current.integer(0);
    MysqlStatement seen = _db.prepare("SELECT COUNT(*) FROM bounce_logs WHERE email = ? AND incident_id = ?");
    seen.execute({email, incident});
    const bool newMember = seen.fetch() && seen.integer(0) == 0;
    MysqlStatement join = _db.prepare("UPDATE bounce_logs SET incident_id = ? WHERE id = ?");
    join.execute({incident, static_cast<std::int64_t>(bounceId)});
    MysqlStatement touch = _db.prepare(
        "UPDATE domain_incidents SET last_seen = UTC_TIMESTAMP(), returns = returns + 1, members = members + ? WHERE id = ?");
    touch.execute({newMember ? 1 : 0, incident});
    return std::nullopt;
}

std::optional<OpenedIncident> IncidentStore::open(const std::string& domain, const std::string& type,
                                                  const std::string& reason)
{
    const std::int64_t window = minutes(_settings.windowMinutes);
    OpenedIncident opened{0, domain, type, reason, {}};
    MysqlStatement failing = _db.prepare(
        "SELECT COUNT(DISTINCT email), COUNT(DISTINCT reporting_host) FROM bounce_logs WHERE domain = ?"
        " AND bounce_type = ? AND bounce_reason = ? AND bounced_at >= UTC_TIMESTAMP() - INTERVAL ? MINUTE"
        " AND incident_id IS NULL");
    failing.execute({domain, type, reason, window});
    if (!failing.fetch())
        return std::nullopt;
    opened.evidence.members = static_cast<unsigned>(failing.integer(0));
    opened.evidence.hosts = static_cast<unsigned>(failing.integer(1));
    // The share needs the sends: the domain's rows of each campaign that ran in the
    // window, one range of ix_send_log_domain (domain, campaign_id) apiece (sql/008).
    // Campaigns first (STRAIGHT_JOIN), or the optimiser may read the domain's rows of
    // every campaign ever, or every row of the campaign through the primary key. The
    // count stops where the share can no longer be reached (members / share): at a
    // large provider that is a few dozen rows, not every member mailed there. Asked
    // only when the cheaper conditions hold.
    if (opened.evidence.members < _settings.members || opened.evidence.hosts < _settings.reportingHosts)
        return std::nullopt;
    const std::uint64_t most = mostMailedForShare(_settings, opened.evidence.members);
    const auto enough = static_cast<std::int64_t>(std::min<std::uint64_t>(most, UINT32_MAX) + 1);
    MysqlStatement mailed = _db.prepare(
        "SELECT COUNT(*) FROM (SELECT STRAIGHT_JOIN DISTINCT s.email FROM campaigns c"
        " JOIN send_log s FORCE INDEX (ix_send_log_domain) ON s.domain = ? AND s.campaign_id = c.id"
        " WHERE (c.finished_at IS NULL OR c.finished_at >= UTC_TIMESTAMP() - INTERVAL ? MINUTE)"
        " AND s.status = 'accepted' AND s.updated_at >= UTC_TIMESTAMP() - INTERVAL ? MINUTE LIMIT ?) AS mailed");
    mailed.execute({domain, window, window, enough});
    // Exact whenever it can open an incident (up to `most`); else one past it.
    opened.evidence.mailed = mailed.fetch() ? static_cast<unsigned>(mailed.integer(0)) : 0;
    if (!opensIncident(_settings, opened.evidence))
        return std::nullopt;

    MysqlStatement create = _db.prepare(
        "INSERT INTO domain_incidents (domain, bounce_type, reason, opened_at, last_seen, members, mailed, hosts)"
        " VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), ?, ?, ?)");
    create.execute({domain, type, reason, opened.evidence.members, opened.evidence.mailed, opened.evidence.hosts});
    opened.id = create.insertId();
    // The returns that opened it stop counting too (this one among them).
    MysqlStatement adopt = _db.prepare(
        "UPDATE bounce_logs SET incident_id = ? WHERE domain = ? AND bounce_type = ? AND bounce_reason = ?"
        " AND bounced_at >= UTC_TIMESTAMP() - INTERVAL ? MINUTE AND incident_id IS NULL");
    adopt.execute({static_cast<std::int64_t>(opened.id), domain, type, reason, window});
    MysqlStatement count = _db.prepare("UPDATE domain_incidents SET returns = ? WHERE id = ?");
    count.execute({static_cast<std::int64_t>(adopt.affectedRows()), static_cast<std::int64_t>(opened.id)});
    return opened;
}

std::unordered_set<std::string> IncidentStore::pausedDomains(const std::unordered_set<std::string>& domains)
{
    std::unordered_set<std::string> paused;
    if (!_settings.pauseSending || domains.empty())
        return paused;
    std::vector<SqlValue> params{minutes(_settings.closeAfterMinutes), minutes(_settings.maxPauseMinutes)};
    std::string in;
    for (const std::string& d : domains) {
        params.emplace_back(d);
        in += in.empty() ? "?" : ",?";
    }
    // Past opened_at + maxPauseMinutes the incident still keeps its returns from
    // counting, but mail flows again: a pause nobody ends must not last for ever.
    MysqlStatement st = _db.prepare(std::string("SELECT DISTINCT domain FROM domain_incidents WHERE ") + kOpen +
                                    " AND opened_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE AND domain IN (" + in + ")");
    st.execute(params);
    while (st.fetch())
        paused.insert(st.text(0));
    return paused;
}

std::vector<IncidentRow> IncidentStore::list(const std::string& since)
{
    const std::int64_t close = minutes(_settings.closeAfterMinutes), pause = minutes(_settings.maxPauseMinutes);
    MysqlStatement st = _db.prepare(std::string(
        "SELECT id, domain, bounce_type, reason, DATE_FORMAT(opened_at, '%Y-%m-%d %H:%i:%s'),"
        " DATE_FORMAT(last_seen, '%Y-%m-%d %H:%i:%s'),"
        " DATE_FORMAT(opened_at + INTERVAL ? MINUTE, '%Y-%m-%d %H:%i:%s'), returns, members, mailed, hosts, ") +
        kOpen + ", opened_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE"
        " FROM domain_incidents WHERE (" + kOpen + ") OR last_seen >= ? ORDER BY opened_at DESC, id DESC");
    st.execute({pause, close, pause, close, since});
    std::vector<IncidentRow> rows;
    while (st.fetch()) {
        IncidentRow r;
        r.id = static_cast<std::uint64_t>(st.integer(0));
        r.domain = st.text(1);
        r.type = st.text(2);
        r.reason = st.text(3);
        r.openedAt = st.text(4);
        r.lastSeen = st.text(5);
        r.pauseEnds = st.text(6);
        r.returns = static_cast<unsigned>(st.integer(7));
        r.members = static_cast<unsigned>(st.integer(8));
        r.mailed = static_cast<unsigned>(st.integer(9));
        r.hosts = static_cast<unsigned>(st.integer(10));
        r.open = st.integer(11) != 0;
        r.pausing = r.open && _settings.pauseSending && st.integer(12) != 0;
        rows.push_back(std::move(r));
    }
    return rows;
}

} // namespace verpmail
