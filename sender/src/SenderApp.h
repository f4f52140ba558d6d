// SenderApp: verpmail-send, mails one list with a VERP envelope sender per member.
//
//   verpmail-send --list NAME --message FILE [--campaign ID] [--dry-run] [--json]
//
// Orchestration only: members come from MemberPages, the policy decides, the
// MessageTemplate is stamped per member, SmtpBatch submits, SendJournal records.
// All exit codes are decided in main() below, in one place.
#pragma once

#include "SendSummary.h"

#include "verpmail/config/ProgramBase.h"
#include "verpmail/policy/Policy.h"
#include "verpmail/store/ListStore.h"
#include "verpmail/util/ExitStatus.h"

#include <optional>
#include <stdexcept>
#include <string>

namespace verpmail {

class MysqlConnection;
class CampaignQueue;
class StopSignals;
struct QueueCounts;
struct SendContext;
struct SendShared;

class SenderApp : public ProgramBase
{
public:
    SenderApp();
    void printHelp() const override;

protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    ExitStatus send(SendSummary& summary);
    /// Starts the workers and waits for them, taking SIGTERM and SIGINT meanwhile.
    void runWorkers(const SendContext& context, CampaignQueue& queue, SendShared& shared, StopSignals& signals,
                    const QueueCounts& before);
    /// --campaign, else per --resume/--new-campaign; nullopt: --resume found nothing.
    std::optional<std::string> chooseCampaign(MysqlConnection& db, const ListInfo& list, const std::string& digest);
    static std::string nextDue(CampaignQueue& queue, MysqlConnection& db);
    ExitStatus dryRun(MysqlConnection& db, const ListInfo& list, const PolicySettings& policy, SendSummary& summary);

    std::string _list;
    std::string _messageFile;
    std::string _campaign;
    std::string _rate;
    std::string _connections;
    bool _resume = false;
    bool _newCampaign = false;
    bool _dryRun = false;
    bool _json = false;
};

/// Raised for bad input the operator must fix (unknown list, unreadable message):
/// carries the exit status to use.
class InputError : public std::runtime_error
{
public:
    InputError(ExitStatus code, const std::string& message) : std::runtime_error(message), _code(code) {}
    ExitStatus code() const { return _code; }

private:
    ExitStatus _code;
};

/// The run ended before the campaign did, for a reason a later run cures: a stop
/// signal, or members queued for a retry not yet due.
class RunStopped : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace verpmail
