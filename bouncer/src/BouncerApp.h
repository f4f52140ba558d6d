// BouncerApp: verpmail-bouncer, the Postfix pipe(8) command for the bounce domain.
//
//   verpmail-bouncer [--config FILE] [--define KEY=VALUE] -- SENDER RECIPIENT < message
//   verpmail-bouncer --parse FILE...
//
// One job: read one returned message, find whose it is, classify it, record it.
// It never applies policy. Exit status under Postfix is 0 (recorded, or stored as
// unattributed) or 75 with a "4.x.x text" line on stdout (try again later); no
// other status is ever returned, because Postfix drops a return on any other code.
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
    int parseFiles(const std::vector<std::string>& files);

    bool _parseMode = false;
};

} // namespace verpmail
