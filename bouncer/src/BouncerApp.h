// BouncerApp: verpmail-bouncer, the one bouncer program.
//
//   verpmail-bouncer [--config FILE] -- SENDER RECIPIENT < message   (pipe(8))
//   verpmail-bouncer [--config FILE] --lmtp                          (LMTP server)
//   verpmail-bouncer [--config FILE] --mbox FILE | --maildir DIR     (saved returns)
//   verpmail-bouncer [--config FILE] --imap                          (an IMAP mailbox)
//   verpmail-bouncer --parse FILE...                                 (no database)
//
// One job: take returned messages, find whose they are, classify them, record them
// (MessageProcessor). It never applies policy. Each way in is a command of its own
// (PipeCommand, LmtpCommand, IntakeCommand, ParseCommand); this class reads the
// command line and picks one. What an outcome means to Postfix is ReturnContract's.
#pragma once

#include "verpmail/config/ProgramBase.h"

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
    bool _parseMode = false;
    bool _lmtpMode = false;
    std::string _mboxPath;
    std::string _maildirPath;
    bool _imapMode = false;
};

} // namespace verpmail
