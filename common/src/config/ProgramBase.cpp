#include "verpmail/config/ProgramBase.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/PatternFormatter.h>
#include <Poco/SyslogChannel.h>
#include <Poco/Util/LoggingConfigurator.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <unistd.h>

#include <cstdlib>

namespace verpmail {

namespace {
constexpr int kPrioDefines = -100;  // --define wins over everything
constexpr int kPrioFile = 0;
constexpr int kPrioDefaults = 200;  // compiled-in defaults lose to everything
} // namespace

std::string resolveConfigPath(const std::string& fromOption)
{
    if (!fromOption.empty())
        return fromOption;
    if (const char* env = std::getenv("VERPMAIL_CONFIG"); env && *env)
        return env;
    return "/etc/verpmail/verpmail.properties";
}

ProgramBase::ProgramBase(std::string programName, bool syslogByDefault)
    : _programName(std::move(programName)), _syslogByDefault(syslogByDefault)
{
    setUnixOptions(true);
}

const char* ProgramBase::commonOptionsHelp()
{
    return "  --config FILE       properties file (default: $VERPMAIL_CONFIG, else\n"
           "                      /etc/verpmail/verpmail.properties)\n"
           "  --define KEY=VALUE  override one configuration key (repeatable)\n"
           "  --help              show this text and exit\n";
}

void ProgramBase::defineOptions(Poco::Util::OptionSet& options)
{
    Poco::Util::Application::defineOptions(options);
    options.addOption(Poco::Util::Option("help", "h", "show help").required(false).repeatable(false));
    options.addOption(Poco::Util::Option("config", "c", "properties file").required(false).repeatable(false).argument("FILE"));
    options.addOption(Poco::Util::Option("define", "D", "override a key").required(false).repeatable(true).argument("KEY=VALUE"));
}

void ProgramBase::handleOption(const std::string& name, const std::string& value)
{
    Poco::Util::Application::handleOption(name, value);
    if (name == "help") {
        _helpRequested = true;
        stopOptionsProcessing();
    } else if (name == "config") {
        _configOption = value;
    } else if (name == "define") {
        const auto eq = value.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Poco::Util::InvalidArgumentException("--define needs KEY=VALUE, got \"" + value + "\"");
        _defines.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    }
}

void ProgramBase::loadSettings()
{
    Poco::AutoPtr<Poco::Util::MapConfiguration> defaults(new Poco::Util::MapConfiguration);
    for (const keys::Key* key : keys::kAll)
        if (key->defaultValue)
            defaults->setString(key->name, key->defaultValue);
    config().add(defaults, kPrioDefaults, false);

    _configPath = resolveConfigPath(_configOption);
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file;
    try {
        file = new Poco::Util::PropertyFileConfiguration(_configPath);
    } catch (const Poco::Exception& e) {
        throw ConfigError("cannot read configuration file " + _configPath + ": " + e.displayText());
    }
    config().add(file, kPrioFile, false);

    Poco::AutoPtr<Poco::Util::MapConfiguration> defines(new Poco::Util::MapConfiguration);
    for (const auto& [key, value] : _defines)
        defines->setString(key, value);
    config().add(defines, kPrioDefines, false);

    Poco::Util::AbstractConfiguration::Keys loggingKeys;
    config().keys("logging", loggingKeys);
    if (!loggingKeys.empty()) {
        try {
            // configure() looks for the "logging." prefix itself: it takes the whole
            // configuration, not a view of the logging keys.
            Poco::Util::LoggingConfigurator().configure(Poco::AutoPtr<Poco::Util::AbstractConfiguration>(&config(), true));
            // Loggers created before this point (ours may be) keep their old channel.
            log().setChannel(Poco::Logger::root().getChannel());
            log().setLevel(Poco::Logger::root().getLevel());
        } catch (const Poco::Exception& e) {
            throw ConfigError("bad logging.* configuration: " + e.displayText());
        }
        return;
    }

    // No logging configured: daemons log to syslog LOG_MAIL beside Postfix, tools to stderr.
    Poco::AutoPtr<Poco::Channel> channel;
    if (_syslogByDefault) {
        channel = new Poco::SyslogChannel(_programName, Poco::SyslogChannel::SYSLOG_PID, Poco::SyslogChannel::SYSLOG_MAIL);
    } else {
        Poco::AutoPtr<Poco::PatternFormatter> formatter(new Poco::PatternFormatter(_programName + ": %t"));
        channel = new Poco::FormattingChannel(formatter, new Poco::ConsoleChannel);
    }
    // On a terminal the summary says it all; per-batch information lines are for
    // logs an operator configured (logging.*) or syslog.
    const int level = _syslogByDefault ? Poco::Message::PRIO_INFORMATION : Poco::Message::PRIO_WARNING;
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::root().setLevel(level);
    log().setChannel(channel);
    log().setLevel(level);
}

} // namespace verpmail
