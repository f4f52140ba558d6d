// PolicyStore: loads what the policy needs about a batch of addresses (their stored
// state and countable returns, one query each) and records the decisions that change
// an address's state (EmailAddressTracker and a policy_decisions row with the rule
// and the evidence). The sender, `explain` and `policy simulate` all go through it.
//
// Memberships follow the decisions: a suppression for a hard bounce or a complaint
// (deactivatesMembers) makes every active membership of the address inactive with
// members.inactive_reason = 'policy' (a complaint's own list: 'complaint', the
// member asked to stop); a decision that makes the address active again (a release,
// IgnoreBounces) restores the 'policy' ones, never an opt-out.
#pragma once

#include "verpmail/policy/Policy.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace verpmail {

class MysqlConnection;

struct PolicySubject
{
    std::string email;
    bool tracked = false;  ///< has an EmailAddressTracker row
    std::string encodedFrom;  ///< its EncodedFROM, when tracked
    AddressState state;
    std::vector<BounceFact> facts;  ///< newest first
};

class PolicyStore
{
public:
    explicit PolicyStore(MysqlConnection& db) : _db(db) {}

    /// State and countable returns (hard, soft, complaint; not part of an incident;
    /// inside the longest window) of each address; addresses without a tracker row
    /// come back untracked with the default state.
    std::unordered_map<std::string, PolicySubject> load(const std::vector<std::string>& emails,
                                                        const PolicySettings& settings, const std::string& now);

    /// Records one changed decision, with `actor` (e.g. "verpmail-send campaign X").
    /// An "unsubscribe" also deactivates the membership in listId when given; the
    /// memberships follow as described above. Runs in the caller's transaction if
    /// one is open.
    void record(const std::string& email, const PolicyDecision& decision, const std::string& actor,
                std::optional<unsigned> listId);

    /// The receiving domains of `emails` whose mail the sender holds back now: an
    /// open domain incident younger than incident.maxPauseMinutes (IncidentStore.h).
    std::unordered_set<std::string> pausedDomains(const std::vector<std::string>& emails,
                                                  const IncidentSettings& incident);

private:
    MysqlConnection& _db;
};

/// The evidence as JSON: [{"at","class","reason","status"}...], at most 20 entries.
std::string evidenceJson(const std::vector<BounceFact>& evidence);

/// The reverse of evidenceJson; malformed text gives an empty list.
std::vector<BounceFact> evidenceFromJson(const std::string& json);

} // namespace verpmail
