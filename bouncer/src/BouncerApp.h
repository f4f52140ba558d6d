// BouncerApp: verpmail-bouncer, the Postfix pipe(8) command for the bounce domain.
//
//   verpmail-bouncer [--config FILE] [--define KEY=VALUE] -- SENDER RECIPIENT < message
//   verpmail-bouncer [--config FILE] --mbox FILE | --maildir DIR
//   verpmail-bouncer --parse FILE...
//
// One job: read returned messages, find whose they are, classify them, record them
// (MessageProcessor). It never applies policy. Exit status under Postfix is 0
// (recorded, or stored as unattributed) or 75 with a "4.x.x text" line on stdout
// (try again later); no other status is ever returned, because Postfix drops a
// return on any other code. Mailbox intake (not under Postfix) returns 0, 75, 66
// or 64. main() and runIntake() are the only places that choose.
#pragma once

#include "verpmail/config/ProgramBase.h"
#include "verpmail/util/ExitStatus.h"

#include <string>
#include <vector>

namespace verpmail {

class BouncerApp : public ProgramBase
{
public:
    BouncerApp();

    /// The whole program: never throws, returns the exit status.
    int runBouncer(int argc, char** argv);

    void printHelp() const override;

protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    ExitStatus deliver(const std::string& sender, const std::string& recipient);
    int runIntake(const std::vector<std::string>& args);

    bool _parseMode = false;
    /// The files ending "--parse FILE...", kept from Poco (see runBouncer).
    std::vector<std::string> _trailingFiles;
    std::string _mboxPath;
    std::string _maildirPath;
};

} // namespace verpmail
