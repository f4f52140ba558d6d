// CampaignCommands: a campaign's queue (send_log) as the operator sees and mends it.
//
//   campaign list [LIST] [--format text|json]    every campaign, its rows per state
//   campaign status ID [--format text|json]      one campaign: rows per state, the next
//                                                retry, the live claimers, the last failures
//   campaign requeue ID [--status STATE,...] [--address ADDRESS] [--dry-run]
//                                                rows back to 'queued' for the next run
//
// Requeue never takes a row a sender holds (pending, submitting) or one the server
// took (accepted). It works one state at a time in batches of 10,000 rows, each batch
// one transaction that also updates the command's admin_audit row (as purge does), so
// a campaign of millions never holds one long transaction. A requeued rejected row
// leaves the report counters in its batch's transaction (ReportCounters.h). The
// AdminApp::campaign dispatch (arguments and options) is defined in the .cpp.
#pragma once

#include "verpmail/util/ExitStatus.h"

#include <array>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

/// Every send_log state, in the order a row goes through them.
inline constexpr std::array<const char*, 8> kSendStates = {"queued",   "pending",  "submitting", "accepted",
                                                           "rejected", "deferred", "suppressed", "uncertain"};

/// A campaign's row; times are UTC, "YYYY-MM-DD hh:mm:ss".
struct Campaign
{
    std::string id, list, messageFile, startedAt;
    std::optional<std::string> finishedAt;  ///< nullopt while unfinished
};

/// @throws AdminError (65) for an unknown campaign.
Campaign requireCampaign(MysqlConnection& db, const std::string& id);

struct RequeueRequest
{
    std::string campaign;
    std::vector<std::string> states;  ///< from requeueStates()
    std::string address;              ///< "" for every row in those states
    bool dryRun = false;
};

/// The states --status names, comma-separated ("" is deferred), in kSendStates order.
/// @throws AdminError (64) for pending, submitting or accepted, with the reason, and
///         for a word that is no state.
std::vector<std::string> requeueStates(const std::string& text);

/// @throws AdminError (65) for an unknown list.
ExitStatus campaignList(MysqlConnection& db, const std::optional<std::string>& list, bool json, std::ostream& out);

/// @throws AdminError (65) for an unknown campaign.
ExitStatus campaignStatus(MysqlConnection& db, const std::string& campaign, bool json, std::ostream& out);

/// Prints what it requeued on `out`, and on `err` a warning when that includes
/// uncertain rows. @throws AdminError (65) for an unknown campaign, an invalid
/// address or one not in the campaign.
ExitStatus campaignRequeue(MysqlConnection& db, const RequeueRequest& request, std::ostream& out, std::ostream& err);

/// The COMMANDS entries of verpmail-admin --help.
const char* campaignHelp();

} // namespace verpmail
