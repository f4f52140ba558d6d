#include "verpmail/config/Settings.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/util/SecretFile.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <sys/stat.h>

#include <cctype>
#include <fstream>

namespace verpmail {
namespace {

std::string stringKey(const Poco::Util::AbstractConfiguration& config, const keys::Key& key)
{
    if (!config.hasProperty(key.name)) {
        if (!key.defaultValue)
            throw ConfigError(std::string("required configuration key ") + key.name + " is not set");
        return key.defaultValue;
    }
    return Poco::trim(config.getString(key.name));
}

// "username = ..." and "password = ..." lines; the file must be private, like the
// MySQL option file, because the password is in clear.
void readSmtpAuthFile(const std::string& path, SmtpSettings& s)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw ConfigError("cannot read smtp.authFile " + path);
    if ((st.st_mode & 077) != 0)
        throw ConfigError("smtp.authFile " + path + " must not be readable by group or others (chmod 600)");
    std::ifstream in(path);
    if (!in)
        throw ConfigError("cannot open smtp.authFile " + path);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos || Poco::trim(line).rfind('#', 0) == 0)
            continue;
        const std::string key = Poco::toLower(Poco::trim(line.substr(0, eq)));
        const std::string value = Poco::trim(line.substr(eq + 1));
        if (key == "username")
            s.authUser = value;
        else if (key == "password")
            s.authPassword = value;
    }
    if (s.authUser.empty() || s.authPassword.empty())
        throw ConfigError("smtp.authFile " + path + " needs 'username = ...' and 'password = ...'");
}

} // namespace

long configInteger(const Poco::Util::AbstractConfiguration& config, const char* key, long min, long max)
{
    const std::string text = Poco::trim(config.getString(key));
    long value = 0;
    Poco::Int64 parsed = 0;
    if (!Poco::NumberParser::tryParse64(text, parsed) || parsed < min || parsed > max)
        throw ConfigError(std::string("configuration key ") + key + " = \"" + text + "\" must be an integer from " +
                          std::to_string(min) + " to " + std::to_string(max));
    value = static_cast<long>(parsed);
    return value;
}

unsigned configDuration(const Poco::Util::AbstractConfiguration& config, const char* key, unsigned min, unsigned max)
{
    const std::string text = Poco::trim(config.getString(key));
    static const std::pair<char, unsigned> units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
    unsigned multiplier = 1;
    std::string number = text;
    if (!text.empty()) {
        for (const auto& [unit, seconds] : units)
            if (std::tolower(static_cast<unsigned char>(text.back())) == unit) {
                multiplier = seconds;
                number.pop_back();
            }
    }
    unsigned value = 0;
    if (!Poco::NumberParser::tryParseUnsigned(number, value) || value > max / multiplier || value * multiplier < min)
        throw ConfigError(std::string("configuration key ") + key + " = \"" + text +
                          "\" must be a time from " + std::to_string(min) + "s to " + std::to_string(max) +
                          "s (a number with an optional unit s, m, h, d or w)");
    return value * multiplier;
}

MysqlOptions mysqlOptionsFrom(const Poco::Util::AbstractConfiguration& config)
{
    MysqlOptions o;
    o.optionFile = stringKey(config, keys::kMysqlOptionFile);
    o.optionGroup = stringKey(config, keys::kMysqlOptionGroup);
    o.connectTimeout = static_cast<unsigned>(configInteger(config, keys::kMysqlConnectTimeout.name, 1, 3600));
    o.readTimeout = static_cast<unsigned>(configInteger(config, keys::kMysqlReadTimeout.name, 1, 3600));
    o.writeTimeout = static_cast<unsigned>(configInteger(config, keys::kMysqlWriteTimeout.name, 1, 3600));
    return o;
}

MysqlOptions bouncerMysqlOptionsFrom(const Poco::Util::AbstractConfiguration& config)
{
    MysqlOptions o = mysqlOptionsFrom(config);
    const std::string own = stringKey(config, keys::kBouncerMysqlOptionFile);
    if (!own.empty()) {
        o.optionFile = own;
        o.optionFileKey = keys::kBouncerMysqlOptionFile.name;
    }
    return o;
}

SmtpSettings smtpSettingsFrom(const Poco::Util::AbstractConfiguration& config)
{
    SmtpSettings s;
    s.server = stringKey(config, keys::kSmtpServer);
    s.helo = stringKey(config, keys::kSmtpHelo);
    s.batchSize = static_cast<unsigned>(configInteger(config, keys::kSmtpBatchSize.name, 1, 10000));
    s.messagesPerSession = static_cast<unsigned>(configInteger(config, keys::kSmtpMessagesPerSession.name, 1, 1000000));
    s.timeoutSeconds = static_cast<unsigned>(configInteger(config, keys::kSmtpTimeout.name, 1, 3600));
    s.connections = static_cast<unsigned>(configInteger(config, keys::kSmtpConnections.name, 1, 64));
    if (s.server.find(':') == std::string::npos)
        throw ConfigError("smtp.server must be host:port, got \"" + s.server + "\"");
    const std::string starttls = Poco::toLower(stringKey(config, keys::kSmtpStarttls));
    if (starttls == "no")
        s.starttls = StarttlsMode::No;
    else if (starttls == "enabled")
        s.starttls = StarttlsMode::Enabled;
    else if (starttls == "required")
        s.starttls = StarttlsMode::Required;
    else
        throw ConfigError("smtp.starttls must be no, enabled or required, got \"" + starttls + "\"");
    s.tlsCaFile = stringKey(config, keys::kSmtpTlsCaFile);
    const std::string verify = Poco::toLower(stringKey(config, keys::kSmtpTlsVerify));
    if (verify != "yes" && verify != "no")
        throw ConfigError("smtp.tlsVerify must be yes or no, got \"" + verify + "\"");
    s.tlsVerify = verify == "yes";
    const std::string authFile = stringKey(config, keys::kSmtpAuthFile);
    if (!authFile.empty()) {
        // The password crosses the network only inside TLS; a loopback server is this host.
        std::string host = s.server.substr(0, s.server.rfind(':'));
        if (host.size() > 2 && host.front() == '[' && host.back() == ']')
            host = host.substr(1, host.size() - 2);
        const bool loopback = host == "localhost" || host == "::1" ||
                              (host.rfind("127.", 0) == 0 && host.find_first_not_of("0123456789.") == std::string::npos);
        if (!loopback && s.starttls != StarttlsMode::Required)
            throw ConfigError("smtp.authFile needs smtp.starttls = required unless smtp.server is on loopback (" +
                              s.server + ")");
        readSmtpAuthFile(authFile, s);
    }
    return s;
}

SendSettings sendSettingsFrom(const Poco::Util::AbstractConfiguration& config)
{
    SendSettings s;
    s.unsubscribeUrl = stringKey(config, keys::kSendUnsubscribeUrl);
    s.unsubscribeMailto = stringKey(config, keys::kSendUnsubscribeMailto);
    s.listIdDomain = stringKey(config, keys::kSendListIdDomain);
    s.feedbackIdSender = stringKey(config, keys::kSendFeedbackId);
    s.minimalBackoffSeconds = configDuration(config, keys::kSendMinimalBackoff.name, 1, 86400);
    s.maximalBackoffSeconds = configDuration(config, keys::kSendMaximalBackoff.name, s.minimalBackoffSeconds, 7 * 86400);
    s.queueLifetimeSeconds = configDuration(config, keys::kSendQueueLifetime.name, 0, 100 * 86400);
    s.leaseSeconds = configDuration(config, keys::kSendLeaseTime.name, 5, 3600);
    // The key is read only when a link carries a token: a list without unsubscribe
    // links, or with plain mailto ones, needs no key file.
    if (s.unsubscribeUrl.find("{token}") != std::string::npos ||
        s.unsubscribeMailto.find("{token}") != std::string::npos) {
        try {
            s.unsubscribeKey = readSecretKeyFile(stringKey(config, keys::kUnsubscribeKeyFile), "unsubscribe key file");
        } catch (const std::exception& e) {
            throw ConfigError(std::string(e.what()) + " (unsubscribe.keyFile, needed for {token} in send.unsubscribeUrl"
                              " or send.unsubscribeMailto)");
        }
    }
    return s;
}

namespace {

PolicyRule parseRule(const Poco::Util::AbstractConfiguration& config, const std::string& name,
                     const std::vector<PolicyRule>& defaults)
{
    PolicyRule rule;
    rule.name = name;
    bool known = false;
    for (const PolicyRule& d : defaults)
        if (d.name == name) {
            rule = d;
            known = true;
        }
    const std::string prefix = "policy." + name + ".";
    if (!known && !config.hasProperty(prefix + "match"))
        throw ConfigError("policy rule \"" + name + "\" needs " + prefix + "match (e.g. class:soft or reason:mailboxfull)");
    if (config.hasProperty(prefix + "match")) {
        rule.matchClass.reset();
        rule.matchReason.clear();
        Poco::StringTokenizer words(config.getString(prefix + "match"), " ,", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        for (const std::string& word : words) {
            const auto colon = word.find(':');
            const std::string what = Poco::toLower(word.substr(0, colon));
            const std::string value = colon == std::string::npos ? "" : Poco::toLower(word.substr(colon + 1));
            if (what == "class" && value == "hard")
                rule.matchClass = BounceClass::Hard;
            else if (what == "class" && value == "soft")
                rule.matchClass = BounceClass::Soft;
            else if (what == "class" && value == "complaint")
                rule.matchClass = BounceClass::Complaint;
            else if (what == "reason" && !value.empty())
                rule.matchReason = value;
            else
                throw ConfigError(prefix + "match: \"" + word +
                                  "\" is not class:hard, class:soft, class:complaint or reason:NAME (blocks never count)");
        }
    }
    if (config.hasProperty(prefix + "threshold"))
        rule.threshold = static_cast<unsigned>(configInteger(config, (prefix + "threshold").c_str(), 1, 1000000));
    if (config.hasProperty(prefix + "windowDays"))
        rule.windowDays = static_cast<unsigned>(configInteger(config, (prefix + "windowDays").c_str(), 0, 3650));
    if (config.hasProperty(prefix + "action")) {
        const std::string action = Poco::toLower(Poco::trim(config.getString(prefix + "action")));
        if (action == "suppress")
            rule.action = PolicyAction::Suppress;
        else if (action == "quarantine")
            rule.action = PolicyAction::Quarantine;
        else if (action == "unsubscribe")
            rule.action = PolicyAction::Unsubscribe;
        else
            throw ConfigError(prefix + "action must be suppress, quarantine or unsubscribe, got \"" + action + "\"");
    }
    return rule;
}

} // namespace

PolicySettings policySettingsFrom(const Poco::Util::AbstractConfiguration& config)
{
    PolicySettings p;
    const std::vector<PolicyRule> defaults = PolicySettings::defaultRules();
    p.rules.clear();
    Poco::StringTokenizer names(stringKey(config, keys::kPolicyRules), " ,",
                                Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const std::string& name : names) {
        const std::string lowered = Poco::toLower(name);
        if (lowered.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
            throw ConfigError("policy.rules: \"" + name + "\" is not a rule name (a-z 0-9 _ -)");
        p.rules.push_back(parseRule(config, lowered, defaults));
    }
    p.quarantineDays = static_cast<unsigned>(configInteger(config, keys::kPolicyQuarantineDays.name, 0, 3650));
    p.softResetStreak = static_cast<unsigned>(configInteger(config, keys::kPolicySoftResetStreak.name, 0, 1000000));
    p.incident.members = static_cast<unsigned>(configInteger(config, keys::kPolicyIncidentMembers.name, 2, 1000000));
    p.incident.windowMinutes = static_cast<unsigned>(configInteger(config, keys::kPolicyIncidentWindow.name, 1, 100000));
    p.incident.closeAfterMinutes = static_cast<unsigned>(configInteger(config, keys::kPolicyIncidentClose.name, 1, 1000000));
    p.incident.pauseSending = config.getBool(keys::kPolicyIncidentPause.name, true);
    p.incident.reportingHosts =
        static_cast<unsigned>(configInteger(config, keys::kPolicyIncidentReportingHosts.name, 1, 1000));
    p.incident.maxPauseMinutes = static_cast<unsigned>(configInteger(config, keys::kPolicyIncidentMaxPause.name, 0, 1000000));
    const std::string share = Poco::trim(config.getString(keys::kPolicyIncidentShare.name));
    double value = -1;
    if (!Poco::NumberParser::tryParseFloat(share, value) || !(value >= 0 && value <= 1))
        throw ConfigError(std::string(keys::kPolicyIncidentShare.name) + " must be a number from 0 to 1 (e.g. 0.2), got \"" +
                          share + "\"");
    p.incident.share = value;
    return p;
}

BouncerSettings bouncerSettingsFrom(const Poco::Util::AbstractConfiguration& config)
{
    BouncerSettings b;
    b.maxMessageBytes = static_cast<std::size_t>(configInteger(config, keys::kBouncerMaxMessageBytes.name, 1024, 1L << 30));
    b.timeLimitSeconds = static_cast<unsigned>(configInteger(config, keys::kBouncerTimeLimit.name, 1, 3600));
    b.maxUnattributedBytes =
        static_cast<std::size_t>(configInteger(config, keys::kBouncerMaxUnattributedBytes.name, 0, 1L << 30));
    for (const std::string& part : Poco::StringTokenizer(stringKey(config, keys::kBouncerAcceptLocalParts), ",",
                                                         Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY))
        b.acceptLocalParts.push_back(Poco::toLower(part));
    const std::string attribution = Poco::toLower(stringKey(config, keys::kBouncerAttribution));
    if (attribution != "verp" && attribution != "content")
        throw ConfigError("bouncer.attribution must be \"verp\" or \"content\", got \"" + attribution + "\"");
    b.contentAttribution = attribution == "content";
    b.unsubscribeLocalPart = Poco::toLower(Poco::trim(stringKey(config, keys::kBouncerUnsubscribeLocalPart)));
    // A dot-atom without '+' (the token follows the '+') or '@'.
    for (const char c : b.unsubscribeLocalPart)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            throw ConfigError("bouncer.unsubscribeLocalPart must hold only letters, digits, '.', '-' and '_', got \"" +
                              b.unsubscribeLocalPart + "\"");
    if (!b.unsubscribeLocalPart.empty()) {
        // Never fatal: returns need no key. Unsubscribe mail is deferred until it can be read.
        b.unsubscribeKeyFile = stringKey(config, keys::kUnsubscribeKeyFile);
        try {
            b.unsubscribeKey = readSecretKeyFile(b.unsubscribeKeyFile, "unsubscribe key file");
        } catch (const std::exception& e) {
            b.unsubscribeKeyProblem = std::string(e.what()) + " (unsubscribe.keyFile)";
        }
    }
    return b;
}

VerpSettings verpSettingsFrom(const Poco::Util::AbstractConfiguration& config)
{
    VerpSettings v;
    const std::string mode = Poco::toLower(stringKey(config, keys::kVerpMode));
    if (mode == "token")
        v.mode = VerpMode::Token;
    else if (mode == "plain")
        v.mode = VerpMode::Plain;
    else
        throw ConfigError("verp.mode must be \"token\" or \"plain\", got \"" + mode + "\"");
    v.prefix = stringKey(config, keys::kVerpPrefix);
    v.domain = stringKey(config, keys::kVerpDomain);
    // The key is needed in plain mode too: addresses too long for plain fall back to
    // tokens. Plain mode without a key file works; those few addresses then fail.
    const std::string keyFile = stringKey(config, keys::kVerpKeyFile);
    try {
        v.key = readVerpKeyFile(keyFile);
    } catch (const std::exception& e) {
        if (v.mode == VerpMode::Token)
            throw ConfigError(std::string(e.what()) + " (verp.keyFile)");
    }
    const std::string previousKeyFile = stringKey(config, keys::kVerpPreviousKeyFile);
    if (!previousKeyFile.empty()) {
        try {
            v.previousKey = readVerpKeyFile(previousKeyFile);
        } catch (const std::exception& e) {
            throw ConfigError(std::string(e.what()) + " (verp.previousKeyFile)");
        }
    }
    v.previousKeyDays = static_cast<unsigned>(configInteger(config, keys::kVerpPreviousKeyDays.name, 1, 3650));
    try {
        VerpCodec check(v);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(e.what());
    }
    return v;
}

} // namespace verpmail
