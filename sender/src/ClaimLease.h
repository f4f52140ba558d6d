// ClaimLease: this process's right to the send_log rows it claims, held while it lives.
//
//   ClaimLease lease(mysql, campaign, settings.leaseSeconds);  // registers, starts renewing
//   CampaignQueue queue(campaign, lease.id(), ...);
//   reclaimDeadClaimers(db, campaign, lease.id());             // take over what the dead left
//
// A claimer is a row of send_claimers with a random id and a lease_until that a thread
// renews every third of the lease time. Any process on any host may take over the rows
// of a claimer whose lease has run out; a process where the claimer's pid means the
// same thing (same boot and pid namespace) may do so at once when that pid is gone.
// Taking over puts 'pending' rows back in the queue (their session never started) and
// marks 'submitting' rows 'uncertain' (the server may have them): nobody is mailed
// twice and nobody is dropped silently. The destructor ends the claim.
#pragma once

#include "verpmail/config/Settings.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace verpmail {

class MysqlConnection;

class ClaimLease
{
public:
    /// Registers the claimer. @throws MysqlError when the database cannot be reached.
    ClaimLease(const MysqlOptions& mysql, std::string campaign, unsigned leaseSeconds);
    ~ClaimLease();
    ClaimLease(const ClaimLease&) = delete;
    ClaimLease& operator=(const ClaimLease&) = delete;

    const std::string& id() const { return _id; }

private:
    void renewLoop() noexcept;

    const MysqlOptions _mysql;
    const std::string _campaign;
    const std::string _id;
    const unsigned _leaseSeconds;
    std::mutex _mutex;
    std::condition_variable _wake;
    bool _stopping = false;  // guarded by _mutex
    std::thread _renewer;
};

/// What reclaimDeadClaimers did.
struct Reclaimed
{
    std::uint64_t requeued = 0;   ///< 'pending' rows put back in the queue
    std::uint64_t uncertain = 0;  ///< 'submitting' rows the dead claimer may have sent
};

/// Takes over the rows of every dead claimer of the campaign other than self (see the
/// header comment), and of claimers that no longer exist (rows from before leases).
Reclaimed reclaimDeadClaimers(MysqlConnection& db, const std::string& campaign, const std::string& self);

/// "host:pid:<32 hex digits>": readable, and unique across hosts and containers alike.
std::string newClaimerId();

} // namespace verpmail
