#include "ClaimLease.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/Logger.h>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <vector>

namespace verpmail {
namespace {

std::string hostName()
{
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0)
        return "unknown";
    return std::string(buffer).substr(0, 40);
}

/// The kernel boot and pid namespace this process runs in: two processes with the
/// same value see the same pids. Empty parts when /proc is not there.
std::string processDomain()
{
    std::string boot;
    std::ifstream("/proc/sys/kernel/random/boot_id") >> boot;
    char ns[128] = {};
    const ssize_t n = ::readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
    return boot.substr(0, 40) + "/" + (n > 0 ? std::string(ns, static_cast<std::size_t>(n)).substr(0, 40) : "");
}

bool samePlaceAndGone(const std::string& domain, unsigned pid)
{
    static const std::string here = processDomain();
    // kill(pid, 0) fails with ESRCH only when no such process exists; a pid reused
    // by another process counts as alive, and the lease decides later.
    return domain == here && here.size() > 2 && pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

} // namespace

std::string newClaimerId()
{
    std::random_device random;
    char hex[33];
    std::snprintf(hex, sizeof hex, "%08x%08x%08x%08x", random(), random(), random(), random());
    return hostName() + ":" + std::to_string(::getpid()) + ":" + hex;
}

ClaimLease::ClaimLease(const MysqlOptions& mysql, std::string campaign, unsigned leaseSeconds)
    : _mysql(mysql), _campaign(std::move(campaign)), _id(newClaimerId()), _leaseSeconds(leaseSeconds)
{
    MysqlConnection db(_mysql);
    MysqlStatement st = db.prepare(
        "INSERT INTO send_claimers (id, campaign_id, host, process_domain, pid, started_at, lease_until)"
        " VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? SECOND)");
    st.execute({_id, _campaign, hostName(), processDomain(), static_cast<std::int64_t>(::getpid()),
                static_cast<std::int64_t>(_leaseSeconds)});
    _renewer = std::thread(&ClaimLease::renewLoop, this);
}

ClaimLease::~ClaimLease()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    _renewer.join();
    try {
        MysqlConnection db(_mysql);
        MysqlStatement st = db.prepare("UPDATE send_claimers SET ended_at = UTC_TIMESTAMP() WHERE id = ?");
        st.execute({_id});
    } catch (...) {
        // The lease runs out by itself; the rows were settled by the run.
    }
}

void ClaimLease::renewLoop() noexcept
{
    Poco::Logger& log = Poco::Logger::get("verpmail-send");
    std::unique_ptr<MysqlConnection> db;
    std::unique_lock<std::mutex> lock(_mutex);
    while (!_wake.wait_for(lock, std::chrono::seconds(std::max(1u, _leaseSeconds / 3)), [this] { return _stopping; })) {
        try {
            if (!db)
                db = std::make_unique<MysqlConnection>(_mysql);
            MysqlStatement st = db->prepare(
                "UPDATE send_claimers SET lease_until = UTC_TIMESTAMP() + INTERVAL ? SECOND WHERE id = ? AND ended_at IS NULL");
            st.execute({static_cast<std::int64_t>(_leaseSeconds), _id});
        } catch (const std::exception& e) {
            // The workers see a lapsed lease when they next start a session and stop.
            db.reset();
            log.warning("claimer=%s status=lease-not-renewed reason=\"%s\"", _id, std::string(e.what()).substr(0, 200));
        }
    }
}

Reclaimed reclaimDeadClaimers(MysqlConnection& db, const std::string& campaign, const std::string& self)
{
    MysqlStatement claimers = db.prepare(
        "SELECT id, process_domain, pid, lease_until < UTC_TIMESTAMP() FROM send_claimers"
        " WHERE campaign_id = ? AND ended_at IS NULL AND id <> ?");
    claimers.execute({campaign, self});
    std::vector<SqlValue> dead{campaign};
    while (claimers.fetch())
        if (claimers.integer(3) == 1 || samePlaceAndGone(claimers.text(1), static_cast<unsigned>(claimers.integer(2))))
            dead.emplace_back(claimers.text(0));

    Reclaimed result;
    Transaction tx(db);
    // A row whose claimer has no send_claimers row at all was claimed before leases
    // existed, when 'pending' covered the SMTP session too: it may have been sent.
    std::string placeholders;
    for (std::size_t i = 1; i < dead.size(); ++i)
        placeholders += i > 1 ? ",?" : "?";
    const std::string who = dead.size() > 1 ? "s.claimed_by IN (" + placeholders + ")" : "FALSE";
    MysqlStatement uncertain = db.prepare(
        "UPDATE send_log s LEFT JOIN send_claimers c ON c.id = s.claimed_by"
        " SET s.status = 'uncertain', s.detail = 'claimer died during its SMTP session', s.updated_at = UTC_TIMESTAMP()"
        " WHERE s.campaign_id = ? AND (s.status = 'submitting' OR (s.status = 'pending' AND c.id IS NULL))"
        " AND (c.id IS NULL OR " + who + ")");
    uncertain.execute(dead);
    result.uncertain = uncertain.affectedRows();
    MysqlStatement requeue = db.prepare(
        "UPDATE send_log s SET s.status = 'queued', s.claimed_by = NULL, s.updated_at = UTC_TIMESTAMP()"
        " WHERE s.campaign_id = ? AND s.status = 'pending' AND " + who);
    requeue.execute(dead);
    result.requeued = requeue.affectedRows();
    if (dead.size() > 1) {
        std::vector<SqlValue> ids(dead.begin() + 1, dead.end());
        MysqlStatement end = db.prepare("UPDATE send_claimers SET ended_at = UTC_TIMESTAMP() WHERE id IN (" +
                                        placeholders + ")");
        end.execute(ids);
    }
    tx.commit();
    return result;
}

} // namespace verpmail
