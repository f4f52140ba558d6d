// ProgramBase: what the three verpmail programs share around Poco's Application:
// --config / --define / --help, locating and loading the properties file, compiled-in
// defaults, logging set-up, and the refusal to run as root.
//
// Each program still decides its own exit codes in exactly one place (its run
// function); ProgramBase never exits and never maps errors. Option errors and
// configuration errors surface as exceptions from init()/loadSettings().
#pragma once

#include <Poco/Logger.h>
#include <Poco/Util/Application.h>

#include <string>
#include <vector>

namespace verpmail {

class ProgramBase : public Poco::Util::Application
{
public:
    /// Where the configuration came from: --config, $VERPMAIL_CONFIG or the default.
    const std::string& configPath() const { return _configPath; }
    bool helpRequested() const { return _helpRequested; }

    /// Loads the properties file and the defaults, then sets up logging.
    /// @throws ConfigError when the file is missing or unreadable.
    void loadSettings();

    /// Prints the --help text (the program's manual page in short) to stdout.
    virtual void printHelp() const = 0;

    /// The logger every program line goes to (name "verpmail").
    Poco::Logger& log() const { return Poco::Logger::get("verpmail"); }
    const std::string& programName() const { return _programName; }

protected:
    /// @param programName     the name logs and messages carry ("verpmail-send")
    /// @param syslogByDefault log to syslog LOG_MAIL when no logging.* keys are
    ///        configured (the bouncer, run by Postfix); otherwise stderr.
    ProgramBase(std::string programName, bool syslogByDefault);

    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;

    /// Initialization is explicit (loadSettings) so a missing file cannot turn into
    /// Poco's EXIT_CONFIG behind the program's back.
    void initialize(Poco::Util::Application&) override {}
    void uninitialize() override {}

    /// The standard option lines for --help.
    static const char* commonOptionsHelp();

private:
    std::string _programName;
    bool _syslogByDefault;
    std::string _configOption;
    std::string _configPath;
    std::vector<std::pair<std::string, std::string>> _defines;
    bool _helpRequested = false;
};

/// The configuration file to use: the --config value if given, else $VERPMAIL_CONFIG,
/// else /etc/verpmail/verpmail.properties.
std::string resolveConfigPath(const std::string& fromOption);

} // namespace verpmail
