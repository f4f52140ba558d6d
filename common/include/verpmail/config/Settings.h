// Settings: the typed, validated view of the configuration.
//
// Built from a Poco configuration (the properties file plus --define overrides plus
// the defaults in ConfigKeys.h). Every value is checked once, at start-up, and a bad
// one is a ConfigError naming the key, so no program discovers a typo halfway
// through a run.
#pragma once

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/policy/Policy.h"
#include "verpmail/verp/VerpCodec.h"

#include <Poco/Util/AbstractConfiguration.h>

#include <string>
#include <vector>

namespace verpmail {

enum class StarttlsMode { No, Enabled, Required };

struct SmtpSettings
{
    std::string server = "127.0.0.1:25";
    std::string helo;
    unsigned batchSize = 25;
    unsigned messagesPerSession = 250;
    unsigned timeoutSeconds = 60;
    unsigned connections = 8;
    StarttlsMode starttls = StarttlsMode::No;
    std::string tlsCaFile;     ///< "" : the system's trust store
    bool tlsVerify = true;
    std::string authUser;      ///< from smtp.authFile; empty: no AUTH
    std::string authPassword;
};

struct SendSettings
{
    std::string unsubscribeUrl;
    std::string unsubscribeMailto;
    /// unsubscribe.keyFile's bytes, read when either link uses {token}; "" otherwise.
    std::string unsubscribeKey;
    std::string listIdDomain;
    std::string feedbackIdSender = "verpmail";
    unsigned minimalBackoffSeconds = 300;
    unsigned maximalBackoffSeconds = 4000;
    unsigned queueLifetimeSeconds = 5 * 86400;
    unsigned leaseSeconds = 60;
};

struct BouncerSettings
{
    std::size_t maxMessageBytes = 10 * 1024 * 1024;
    unsigned timeLimitSeconds = 60;
    /// Raw bytes of an unattributed return stored at most (ReturnRecorder).
    std::size_t maxUnattributedBytes = 64 * 1024;
    /// Local parts at the bounce domain accepted besides VERP addresses (lower case),
    /// e.g. the address a feedback loop reports to.
    std::vector<std::string> acceptLocalParts;
    /// bouncer.attribution = content: a bounce naming no VERP address of ours is
    /// attributed to the members it names as failed (forgeable, hence opt-in).
    bool contentAttribution = false;
    /// bouncer.unsubscribeLocalPart, lower case: mail to LOCALPART+TOKEN at the bounce
    /// domain is a member's opt-out (List-Unsubscribe mailto). "" when off.
    std::string unsubscribeLocalPart;
    /// unsubscribe.keyFile, and its bytes as read at start ("" when off or unreadable:
    /// then unsubscribeKeyProblem says why, and the bouncer tries again per request).
    std::string unsubscribeKeyFile;
    std::string unsubscribeKey;
    std::string unsubscribeKeyProblem;
};

/// Reads an integer key; @throws ConfigError when it is not a number in [min, max].
long configInteger(const Poco::Util::AbstractConfiguration& config, const char* key, long min, long max);
/// Reads a duration in seconds written as Postfix writes times ("300s", "5d", "90" is
/// seconds); @throws ConfigError when it is malformed or outside [min, max] seconds.
unsigned configDuration(const Poco::Util::AbstractConfiguration& config, const char* key, unsigned min, unsigned max);

MysqlOptions mysqlOptionsFrom(const Poco::Util::AbstractConfiguration& config);
/// The bouncer's connection: mysqlOptionsFrom with bouncer.mysql.optionFile, when
/// set, in place of mysql.optionFile (its own least-privilege account).
MysqlOptions bouncerMysqlOptionsFrom(const Poco::Util::AbstractConfiguration& config);
SmtpSettings smtpSettingsFrom(const Poco::Util::AbstractConfiguration& config);
SendSettings sendSettingsFrom(const Poco::Util::AbstractConfiguration& config);
PolicySettings policySettingsFrom(const Poco::Util::AbstractConfiguration& config);
BouncerSettings bouncerSettingsFrom(const Poco::Util::AbstractConfiguration& config);

/// Reads verp.* and, in token mode, the key file. @throws ConfigError.
VerpSettings verpSettingsFrom(const Poco::Util::AbstractConfiguration& config);

} // namespace verpmail
