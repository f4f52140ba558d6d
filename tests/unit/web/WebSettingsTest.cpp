// WebSettings: every web.* value checked at start-up, the error naming the key.
#include "WebSettings.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <gtest/gtest.h>

#include "TestSupport.h"

#include <string>

namespace verpmail::web {
namespace {

/// The ConfigError's text, or "" when none was thrown.
std::string errorFor(const std::string& key, const std::string& value)
{
    auto config = test::defaultConfig();
    config->setString(key, value);
    try {
        webSettingsFrom(*config);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(WebSettings, DefaultsAreValid)
{
    const WebSettings s = webSettingsFrom(*test::defaultConfig());
    EXPECT_EQ(s.listen, "127.0.0.1:8025");
    EXPECT_FALSE(s.tls());
    EXPECT_EQ(s.threads, 8u);
    EXPECT_EQ(s.queue, 64u);
    EXPECT_EQ(s.timeoutSeconds, 30u);
    EXPECT_EQ(s.maxBodyBytes, 65536u);
    EXPECT_EQ(s.rateLimitPerMinute, 60u);
    EXPECT_EQ(s.apiRateLimitPerMinute, 600u);
    EXPECT_TRUE(s.trustedProxies.empty());
    EXPECT_EQ(s.unsubscribeKeyFile, "/etc/verpmail/unsubscribe.key");
    EXPECT_EQ(s.mysql.optionFile, "/etc/verpmail/my.cnf");
    EXPECT_EQ(s.mysql.optionFileKey, "mysql.optionFile");
    EXPECT_FALSE(s.sns.enabled()) << "the webhook is off until topics are named";
    EXPECT_EQ(s.sns.certHostPattern, "^sns[.][a-z0-9-]+[.]amazonaws[.]com([.]cn)?$");
    EXPECT_EQ(s.sns.caFile, "");
    EXPECT_EQ(s.sns.maxBodyBytes, 524288u);
}

TEST(WebSettings, ValuesAreRead)
{
    auto config = test::defaultConfig();
    config->setString("web.listen", "[::1]:8443");
    config->setString("web.tls.certificateFile", "/etc/verpmail/web.pem");
    config->setString("web.tls.keyFile", "/etc/verpmail/web.key");
    config->setString("web.threads", "3");
    config->setString("web.queue", "5");
    config->setString("web.timeout", "2m");
    config->setString("web.maxBodyBytes", "1024");
    config->setString("web.rateLimit", "0");
    config->setString("web.trustedProxies", "127.0.0.1, 10.0.0.0/8");
    config->setString("web.mysql.optionFile", " /etc/verpmail/web.cnf ");
    config->setString("mysql.readTimeout", "7");
    const WebSettings s = webSettingsFrom(*config);
    EXPECT_EQ(s.listen, "[::1]:8443");
    EXPECT_TRUE(s.tls());
    EXPECT_EQ(s.tlsKeyFile, "/etc/verpmail/web.key");
    EXPECT_EQ(s.threads, 3u);
    EXPECT_EQ(s.queue, 5u);
    EXPECT_EQ(s.timeoutSeconds, 120u);
    EXPECT_EQ(s.maxBodyBytes, 1024u);
    EXPECT_EQ(s.rateLimitPerMinute, 0u);
    EXPECT_TRUE(s.trustedProxies.contains(Poco::Net::IPAddress("10.9.8.7")));
    EXPECT_EQ(s.mysql.optionFile, "/etc/verpmail/web.cnf");
    EXPECT_EQ(s.mysql.optionFileKey, "web.mysql.optionFile");
    EXPECT_EQ(s.mysql.readTimeout, 7u) << "the other mysql.* keys still apply";
}

TEST(WebSettings, BadValuesNameTheirKey)
{
    const struct
    {
        const char* key;
        const char* value;
    } rows[] = {
        {"web.listen", "8025"},
        {"web.listen", "127.0.0.1"},
        {"web.listen", "127.0.0.1:"},
        {"web.listen", "127.0.0.1:http"},
        {"web.listen", "127.0.0.1:0"},
        {"web.listen", "127.0.0.1:70000"},
        {"web.threads", "0"},
        {"web.threads", "many"},
        {"web.queue", "0"},
        {"web.timeout", "0"},
        {"web.timeout", "2 hours"},
        {"web.timeout", "2h"},  // above the hour allowed
        {"web.maxBodyBytes", "10"},
        {"web.maxBodyBytes", "-1"},
        {"web.rateLimit", "-5"},
        {"web.rateLimit", "lots"},
        {"web.api.rateLimit", "-1"},
        {"web.trustedProxies", "proxy.example.org"},
        {"web.trustedProxies", "10.0.0.0/40"},
        {"unsubscribe.keyFile", ""},
        {"web.sns.topicArns", "ses-returns"},
        {"web.sns.topicArns", "arn:aws:sqs:us-east-1:123456789012:q"},
        {"web.sns.topicArns", "arn:aws:sns:us-east-1:123456789012:a b"},
        {"web.sns.certHostPattern", ""},
        {"web.sns.certHostPattern", "^sns[.(amazonaws$"},
        {"web.sns.maxBodyBytes", "100"},
        {"web.sns.maxBodyBytes", "lots"},
    };
    for (const auto& row : rows) {
        const std::string error = errorFor(row.key, row.value);
        EXPECT_NE(error.find(row.key), std::string::npos)
            << row.key << " = \"" << row.value << "\": error \"" << error << "\"";
    }
}

TEST(WebSettings, SnsWebhook)
{
    auto config = test::defaultConfig();
    config->setString("web.sns.topicArns",
                      " arn:aws:sns:us-east-1:123456789012:ses-returns,, arn:aws-cn:sns:cn-north-1:123456789012:x ");
    config->setString("web.sns.caFile", " /etc/verpmail/sns-ca.pem ");
    config->setString("web.sns.maxBodyBytes", "262144");
    config->setString("web.sns.certHostPattern", "^sns[.]test(:[0-9]{2,5})?$");
    const SnsSettings s = webSettingsFrom(*config).sns;
    EXPECT_TRUE(s.enabled());
    EXPECT_EQ(s.topicArns, (std::vector<std::string>{"arn:aws:sns:us-east-1:123456789012:ses-returns",
                                                     "arn:aws-cn:sns:cn-north-1:123456789012:x"}));
    EXPECT_EQ(s.caFile, "/etc/verpmail/sns-ca.pem");
    EXPECT_EQ(s.maxBodyBytes, 262144u);
    EXPECT_EQ(s.certHostPattern, "^sns[.]test(:[0-9]{2,5})?$");
}

TEST(WebSettings, TlsNeedsBothFiles)
{
    EXPECT_NE(errorFor("web.tls.certificateFile", "/etc/cert.pem").find("web.tls.keyFile"), std::string::npos);
    EXPECT_NE(errorFor("web.tls.keyFile", "/etc/key.pem").find("web.tls.certificateFile"), std::string::npos);
}

TEST(WebSettings, ADatabaseAccountIsRequired)
{
    auto config = test::defaultConfig();
    config->setString("mysql.optionFile", "");
    EXPECT_THROW(webSettingsFrom(*config), ConfigError);
    config->setString("web.mysql.optionFile", "/etc/verpmail/web.cnf");
    EXPECT_EQ(webSettingsFrom(*config).mysql.optionFile, "/etc/verpmail/web.cnf");
}

} // namespace
} // namespace verpmail::web
