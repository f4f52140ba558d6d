#include "WebSettings.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/RegularExpression.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

namespace verpmail::web {
namespace {

std::string text(const Poco::Util::AbstractConfiguration& config, const keys::Key& key)
{
    return Poco::trim(config.getString(key.name, key.defaultValue ? key.defaultValue : ""));
}

[[noreturn]] void refuse(const keys::Key& key, const std::string& value, const std::string& expected)
{
    throw ConfigError(std::string("configuration key ") + key.name + " = \"" + value + "\": " + expected);
}

// host:port with a numeric port, the host an address or a name ("[::1]:8025" for
// IPv6). The name is resolved here, so a typo stops the start, not the first request.
std::string listenAddress(const Poco::Util::AbstractConfiguration& config)
{
    const std::string where = text(config, keys::kWebListen);
    const std::size_t colon = where.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == where.size() ||
        where.find_first_not_of("0123456789", colon + 1) != std::string::npos)
        refuse(keys::kWebListen, where, "expected HOST:PORT, e.g. 127.0.0.1:8025 or [::]:443");
    try {
        const Poco::Net::SocketAddress parsed(where);
        if (parsed.port() == 0)
            refuse(keys::kWebListen, where, "the port must not be 0");
    } catch (const Poco::Exception& e) {
        refuse(keys::kWebListen, where, "not an address to listen on (" + e.displayText() + ")");
    }
    return where;
}

void tlsFiles(const Poco::Util::AbstractConfiguration& config, WebSettings& s)
{
    s.tlsCertificateFile = text(config, keys::kWebTlsCertificateFile);
    s.tlsKeyFile = text(config, keys::kWebTlsKeyFile);
    if (!s.tlsCertificateFile.empty() && s.tlsKeyFile.empty())
        throw ConfigError(std::string("configuration key ") + keys::kWebTlsKeyFile.name + " is empty: " +
                          keys::kWebTlsCertificateFile.name + " needs the certificate's private key");
    if (s.tlsCertificateFile.empty() && !s.tlsKeyFile.empty())
        throw ConfigError(std::string("configuration key ") + keys::kWebTlsCertificateFile.name + " is empty: " +
                          keys::kWebTlsKeyFile.name + " is set, but HTTPS needs the certificate chain too");
}

// An SNS topic ARN: arn:PARTITION:sns:REGION:ACCOUNT:NAME, printable ASCII without
// blanks or commas (the list's separator). A typo here would refuse every delivery
// with 403, so the shape is checked at start-up.
bool looksLikeTopicArn(const std::string& arn)
{
    if (arn.size() > 256 || arn.rfind("arn:", 0) != 0 || arn.find(":sns:") == std::string::npos)
        return false;
    for (const char c : arn)
        if (c <= ' ' || c > '~')
            return false;
    return true;
}

} // namespace

SnsSettings snsSettingsFrom(const Poco::Util::AbstractConfiguration& config)
{
    SnsSettings s;
    const std::string topics = text(config, keys::kWebSnsTopicArns);
    const Poco::StringTokenizer arns(topics, ",",
                                     Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const std::string& arn : arns) {
        if (!looksLikeTopicArn(arn))
            refuse(keys::kWebSnsTopicArns, topics,
                   "\"" + arn + "\" is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME, comma-separated)");
        s.topicArns.push_back(arn);
    }
    // Raw: a regular expression is no place for ${...} expansion.
    s.certHostPattern = Poco::trim(
        config.getRawString(keys::kWebSnsCertHostPattern.name, keys::kWebSnsCertHostPattern.defaultValue));
    if (s.certHostPattern.empty())
        refuse(keys::kWebSnsCertHostPattern, "", "the hosts the signing certificates may come from are required");
    try {
        const Poco::RegularExpression compiled(s.certHostPattern);
    } catch (const Poco::Exception& e) {
        refuse(keys::kWebSnsCertHostPattern, s.certHostPattern, "not a regular expression (" + e.displayText() + ")");
    }
    s.caFile = text(config, keys::kWebSnsCaFile);
    s.maxBodyBytes =
        static_cast<std::size_t>(configInteger(config, keys::kWebSnsMaxBodyBytes.name, 4096, 16 * 1024 * 1024));
    return s;
}

MysqlOptions webMysqlOptionsFrom(const Poco::Util::AbstractConfiguration& config)
{
    MysqlOptions o = mysqlOptionsFrom(config);
    const std::string own = text(config, keys::kWebMysqlOptionFile);
    if (!own.empty()) {
        o.optionFile = own;
        o.optionFileKey = keys::kWebMysqlOptionFile.name;
    }
    return o;
}

WebSettings webSettingsFrom(const Poco::Util::AbstractConfiguration& config)
{
    WebSettings s;
    s.listen = listenAddress(config);
    tlsFiles(config, s);
    s.threads = static_cast<unsigned>(configInteger(config, keys::kWebThreads.name, 1, 1000));
    s.queue = static_cast<unsigned>(configInteger(config, keys::kWebQueue.name, 1, 100000));
    s.timeoutSeconds = configDuration(config, keys::kWebTimeout.name, 1, 3600);
    s.maxBodyBytes = static_cast<std::size_t>(configInteger(config, keys::kWebMaxBodyBytes.name, 64, 16 * 1024 * 1024));
    s.rateLimitPerMinute = static_cast<unsigned>(configInteger(config, keys::kWebRateLimit.name, 0, 1000000));
    s.apiRateLimitPerMinute = static_cast<unsigned>(configInteger(config, keys::kWebApiRateLimit.name, 0, 1000000));

    const std::string proxies = text(config, keys::kWebTrustedProxies);
    std::string problem;
    const std::optional<TrustedProxies> trusted = TrustedProxies::parse(proxies, problem);
    if (!trusted)
        refuse(keys::kWebTrustedProxies, proxies, problem + " (expected addresses or networks such as "
                                                            "127.0.0.1, 10.0.0.0/8, ::1, comma-separated)");
    s.trustedProxies = *trusted;

    s.unsubscribeKeyFile = text(config, keys::kUnsubscribeKeyFile);
    if (s.unsubscribeKeyFile.empty())
        refuse(keys::kUnsubscribeKeyFile, "", "verpmail-web needs the key of the unsubscribe tokens");
    s.sns = snsSettingsFrom(config);
    s.mysql = webMysqlOptionsFrom(config);
    if (s.mysql.optionFile.empty())
        throw ConfigError(std::string("configuration keys ") + keys::kWebMysqlOptionFile.name + " and " +
                          keys::kMysqlOptionFile.name + " are both empty: verpmail-web needs a database account");
    return s;
}

} // namespace verpmail::web
