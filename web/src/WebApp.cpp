#include "WebApp.h"

#include "WebServer.h"
#include "WebService.h"

#include "verpmail/db/MysqlError.h"
#include "verpmail/util/ExitStatus.h"
#include "verpmail/util/Printable.h"

#include <iostream>

namespace verpmail::web {

WebApp::WebApp() : ProgramBase("verpmail-web", true) {}

int WebApp::runWeb(int argc, char** argv)
{
    try {
        init(argc, argv);
    } catch (const Poco::Exception& e) {
        std::cerr << "verpmail-web: " << printable(e.displayText(), 300) << " (see --help)\n";
        return toInt(ExitStatus::Usage);
    }
    if (helpRequested()) {
        printHelp();
        return toInt(ExitStatus::Ok);
    }
    // Application::run() calls main(args) with the arguments that are not options;
    // main() catches everything itself, so Poco's own 70/78 mapping is never reached.
    return run();
}

int WebApp::main(const std::vector<std::string>& args)
{
    try {
        runWebService(*this, args);
        return toInt(ExitStatus::Ok);
    } catch (const WebUsageError& e) {
        return fail(toInt(ExitStatus::Usage), e.what());
    } catch (const ConfigError& e) {
        return fail(toInt(ExitStatus::Config), e.what());
    } catch (const ListenError& e) {
        return fail(toInt(ExitStatus::Config), e.what());
    } catch (const MysqlError& e) {
        return fail(toInt(ExitStatus::Unavailable), "database: " + e.describe());
    } catch (const std::exception& e) {
        return fail(toInt(ExitStatus::Software), std::string("internal error: ") + e.what());
    } catch (...) {
        return fail(toInt(ExitStatus::Software), "internal error");
    }
}

int WebApp::fail(int status, const std::string& reason)
{
    const std::string text = printable(reason, 500);
    std::cerr << "verpmail-web: " << text << "\n";
    try {
        log().critical("verpmail-web: status=failed exit=%d reason=\"%s\"", status, text);
    } catch (...) {
        // The log itself is what failed (a bad logging.* channel): stderr has it.
    }
    return status;
}

} // namespace verpmail::web
