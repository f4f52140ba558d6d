// IncidentStore: domain incidents, the returns that are a receiver's problem rather
// than its members' (see IncidentSettings in Policy.h for when one opens).
//
// ReturnRecorder links each soft or block return about the provider to the open
// incident of its domain, class and reason, or opens one when the returns in the
// window are enough members, a large enough share of the members mailed there and
// reported by enough distinct hosts. A linked return never counts against its member.
// While an incident is open and younger than policy.incident.maxPauseMinutes, the
// sender holds back mail to the domain (PolicyStore::pausedDomains). An incident is
// open until no return has joined it for policy.incident.closeAfterMinutes.
//
//   IncidentStore incidents(db, policy.incident);
//   if (auto opened = incidents.link(bounceId, email, domain, "soft", "systemerror"))
//       log "incident=opened " + describe(*opened)
//   for (const IncidentRow& row : incidents.list("2026-01-01 00:00:00")) ...
#pragma once

#include "verpmail/policy/Policy.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace verpmail {

class MysqlConnection;

/// An incident a return just opened.
struct OpenedIncident
{
    std::uint64_t id = 0;
    std::string domain, type, reason;
    IncidentEvidence evidence;
};

/// One incident as `verpmail-admin report incidents` shows it.
struct IncidentRow
{
    std::uint64_t id = 0;
    std::string domain, type, reason;
    std::string openedAt, lastSeen;  ///< UTC "YYYY-MM-DD hh:mm:ss"
    std::string pauseEnds;           ///< openedAt + maxPauseMinutes
    unsigned returns = 0, members = 0, mailed = 0, hosts = 0;
    bool open = false;     ///< returns still join it (closeAfterMinutes)
    bool pausing = false;  ///< the sender holds back mail to the domain now
};

/// The incident's one log line, Postfix style: "id=3 domain=example.org class=soft
/// reason=systemerror members=12 mailed=40 share=0.30 hosts=3".
std::string describe(const OpenedIncident& incident);

class IncidentStore
{
public:
    IncidentStore(MysqlConnection& db, const IncidentSettings& settings) : _db(db), _settings(settings) {}

    /// Links bounce_logs row bounceId (a soft or block return of `email` at `domain`,
    /// whose reason is not per mailbox) to its domain's open incident, or opens one
    /// when the returns in the window call for it (adopting them too). Runs in the
    /// caller's transaction; returns the incident when this return opened it.
    std::optional<OpenedIncident> link(std::uint64_t bounceId, const std::string& email, const std::string& domain,
                                       const std::string& type, const std::string& reason);

    /// The domains among `domains` whose mail the sender holds back now (none when
    /// pauseSending is off).
    std::unordered_set<std::string> pausedDomains(const std::unordered_set<std::string>& domains);

    /// The incidents open now, and those seen since `since` (UTC), newest first.
    std::vector<IncidentRow> list(const std::string& since);

private:
    std::optional<OpenedIncident> open(const std::string& domain, const std::string& type, const std::string& reason);

    MysqlConnection& _db;
    IncidentSettings _settings;
};

} // namespace verpmail
