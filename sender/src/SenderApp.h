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

namespace verpmail {

class MysqlConnection;

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
    ExitStatus dryRun(MysqlConnection& db, const ListInfo& list, const PolicySettings& policy, SendSummary& summary);

    std::string _list;
    std::string _messageFile;
    std::string _campaign;
    std::string _rate;
    std::string _connections;
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

} // namespace verpmail
