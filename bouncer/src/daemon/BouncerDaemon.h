// BouncerDaemon: verpmail-bouncerd, the long-running form of verpmail-bouncer.
//
//   verpmail-bouncerd [--config FILE] [--define KEY=VALUE]
//
// One job: record the returns that verpmail-bouncer (the pipe front) hands over on a
// unix socket (Protocol.h), exactly as verpmail-bouncer-direct records them (MessageProcessor),
// without paying for a process start and a database connection per return. It runs
// in the foreground as the unprivileged bouncer user (systemd, or the test bed),
// refuses root, and stops on SIGTERM after the requests in hand are answered.
// main() is the only place that chooses the exit status.
#pragma once

#include "verpmail/config/ProgramBase.h"

#include <string>
#include <vector>

namespace verpmail {

class BouncerDaemon : public ProgramBase
{
public:
    BouncerDaemon();

    /// The whole program: never throws, returns the exit status.
    int runDaemon(int argc, char** argv);

    void printHelp() const override;

protected:
    int main(const std::vector<std::string>& args) override;
};

} // namespace verpmail
