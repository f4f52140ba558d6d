// WebApp: verpmail-web, the HTTPS server of the List-Unsubscribe links and of the
// SES/SNS webhook.
//
//   verpmail-web [--config FILE] [--define KEY=VALUE]...
//
// RFC 8058 one-click unsubscribe and the SES/SNS webhook (WebHandlers). The command line
// and the configuration are read here, the server runs in WebService, and main()
// is the one place that maps what happened to an exit status.
#pragma once

#include "verpmail/config/ProgramBase.h"

#include <string>
#include <vector>

namespace verpmail::web {

class WebApp : public ProgramBase
{
public:
    WebApp();

    /// The whole program: never throws, returns the exit status.
    int runWeb(int argc, char** argv);

    void printHelp() const override;

protected:
    int main(const std::vector<std::string>& args) override;

private:
    /// Writes the reason to stderr and the log; returns `status`.
    int fail(int status, const std::string& reason);
};

} // namespace verpmail::web
