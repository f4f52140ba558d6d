// WebSettings: what verpmail-web is told by configuration (the web.* keys, the
// unsubscribe key file, the database account and the SNS webhook's web.sns.*),
// checked once at start-up.
//
//   const WebSettings settings = webSettingsFrom(config);   // throws ConfigError
//
// Every bad value is a ConfigError naming its key; nothing here touches a file or
// the network (the key files are read, and the address bound, by WebService).
#pragma once

#include "ClientAddress.h"

#include "verpmail/db/MysqlConnection.h"

#include <Poco/Util/AbstractConfiguration.h>

#include <cstddef>
#include <string>
#include <vector>

namespace verpmail::web {

/// The SES/SNS webhook (web.sns.*): off while topicArns is empty.
struct SnsSettings
{
    std::vector<std::string> topicArns;  ///< exact ARNs, as configured
    /// Matched against the lower-case host of SigningCertURL and SubscribeURL, or
    /// host:port when the URL names a port other than 443 (checked to compile).
    std::string certHostPattern = "^sns[.][a-z0-9-]+[.]amazonaws[.]com([.]cn)?$";
    std::string caFile;  ///< "": the system's trust store
    std::size_t maxBodyBytes = 524288;

    bool enabled() const { return !topicArns.empty(); }
};

struct WebSettings
{
    std::string listen = "127.0.0.1:8025";  ///< host:port, "[v6]:port"
    std::string tlsCertificateFile;         ///< "": plain HTTP
    std::string tlsKeyFile;
    unsigned threads = 8;
    unsigned queue = 64;
    unsigned timeoutSeconds = 30;
    std::size_t maxBodyBytes = 65536;
    unsigned rateLimitPerMinute = 60;  ///< 0: no limit
    unsigned apiRateLimitPerMinute = 600;  ///< the API's, health aside; 0: no limit
    TrustedProxies trustedProxies;
    std::string unsubscribeKeyFile;
    MysqlOptions mysql;
    SnsSettings sns;

    bool tls() const { return !tlsCertificateFile.empty(); }
};

/// @throws ConfigError naming the key of the first bad value.
SnsSettings snsSettingsFrom(const Poco::Util::AbstractConfiguration& config);

/// @throws ConfigError naming the key of the first bad value.
WebSettings webSettingsFrom(const Poco::Util::AbstractConfiguration& config);

/// mysqlOptionsFrom with web.mysql.optionFile, when set, in place of mysql.optionFile
/// (verpmail-web's own least-privilege account). @throws ConfigError.
MysqlOptions webMysqlOptionsFrom(const Poco::Util::AbstractConfiguration& config);

} // namespace verpmail::web
