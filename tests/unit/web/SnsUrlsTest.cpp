// SnsUrls: which SigningCertURL and SubscribeURL verpmail-web fetches, under the
// default web.sns.certHostPattern and under one a test bed would use.
#include "SnsUrls.h"

#include "verpmail/config/ConfigKeys.h"

#include <Poco/String.h>

#include <gtest/gtest.h>

#include <string>

namespace verpmail::web {
namespace {

const HostPattern& amazon()
{
    static const HostPattern pattern(keys::kWebSnsCertHostPattern.defaultValue);
    return pattern;
}

TEST(SnsUrls, SigningCertificateUrls)
{
    const struct
    {
        std::string url;
        bool allowed;
        const char* host;  ///< what is connected to, when allowed
    } rows[] = {
        {"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem", true,
         "sns.us-east-1.amazonaws.com"},
        {"https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem", true,
         "sns.cn-north-1.amazonaws.com.cn"},
        {"HTTPS://SNS.EU-WEST-1.AMAZONAWS.COM/x.pem", true, "sns.eu-west-1.amazonaws.com"},
        {"https://sns.us-east-1.amazonaws.com:443/x.pem", true, "sns.us-east-1.amazonaws.com"},
        // Not https.
        {"http://sns.us-east-1.amazonaws.com/x.pem", false, ""},
        {"ftp://sns.us-east-1.amazonaws.com/x.pem", false, ""},
        {"//sns.us-east-1.amazonaws.com/x.pem", false, ""},
        {" https://sns.us-east-1.amazonaws.com/x.pem", false, ""},
        {"https:sns.us-east-1.amazonaws.com/x.pem", false, ""},
        // Other hosts, and hosts dressed up as Amazon's.
        {"https://evil.example/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com.evil.example/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com./x.pem", false, ""},
        {"https://evil-sns.us-east-1.amazonaws.com/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.comx/x.pem", false, ""},
        {"https://snsxus-east-1.amazonaws.com/x.pem", false, ""},
        {"https://sqs.us-east-1.amazonaws.com/x.pem", false, ""},
        {"https://s3.amazonaws.com/sns.us-east-1.amazonaws.com/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com@evil.example/x.pem", false, ""},
        {"https://evil.example@sns.us-east-1.amazonaws.com/x.pem", false, ""},
        {"https://user:pw@sns.us-east-1.amazonaws.com/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com\\@evil.example/x.pem", false, ""},
        {"https://sns%2eus-east-1.amazonaws.com/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com%2F@evil.example/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com#@evil.example/x.pem", false, ""},
        {"https://[::1]/x.pem", false, ""},
        {"https://127.0.0.1/x.pem", false, ""},
        {"https:///x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com\t/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com/x.pem\n", false, ""},
        {"https://sns.us-east-1.amazonaws.com/\xC3\xA9.pem", false, ""},
        // Ports: the default pattern allows 443 only.
        {"https://sns.us-east-1.amazonaws.com:8443/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com:0/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com:99999/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com:/x.pem", false, ""},
        {"https://sns.us-east-1.amazonaws.com:x/x.pem", false, ""},
        // The path.
        {"https://sns.us-east-1.amazonaws.com/x.pem?a=b", false, ""},
        {"https://sns.us-east-1.amazonaws.com/x.pem#f", false, ""},
        {"https://sns.us-east-1.amazonaws.com/x.pem/", false, ""},
        {"https://sns.us-east-1.amazonaws.com/x.crt", false, ""},
        {"https://sns.us-east-1.amazonaws.com/x.PEM", false, ""},
        {"https://sns.us-east-1.amazonaws.com/", false, ""},
        {"https://sns.us-east-1.amazonaws.com", false, ""},
        {"https://sns.us-east-1.amazonaws.com/?x=.pem", false, ""},
        {"", false, ""},
        {"https://sns.us-east-1.amazonaws.com/" + std::string(3000, 'a') + ".pem", false, ""},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.url.substr(0, 100));
        std::string problem;
        const std::optional<Poco::URI> got = checkSnsUrl(row.url, amazon(), UrlUse::SigningCertificate, problem);
        EXPECT_EQ(got.has_value(), row.allowed) << problem;
        if (got) {
            EXPECT_EQ(got->getHost().size(), std::string(row.host).size());
            EXPECT_EQ(Poco::toLower(got->getHost()), std::string(row.host));
            EXPECT_EQ(got->getPort(), 443);
            EXPECT_TRUE(problem.empty());
        } else {
            EXPECT_FALSE(problem.empty());
        }
    }
}

TEST(SnsUrls, SubscribeUrlsMayHaveAnyPathAndQuery)
{
    std::string problem;
    const std::optional<Poco::URI> url =
        checkSnsUrl("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:"
                    "123456789012:t&Token=2336412f37",
                    amazon(), UrlUse::Subscription, problem);
    ASSERT_TRUE(url) << problem;
    EXPECT_EQ(url->getPathEtc(), "/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:t&Token=2336412f37");
    for (const char* bad : {"http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
                            "https://evil.example/?Action=ConfirmSubscription",
                            "https://sns.us-east-1.amazonaws.com@evil.example/?Action=ConfirmSubscription"}) {
        SCOPED_TRACE(bad);
        EXPECT_FALSE(checkSnsUrl(bad, amazon(), UrlUse::Subscription, problem));
    }
}

TEST(SnsUrls, APatternForATestBedOnLoopback)
{
    // A port other than 443 must be in the pattern: the pattern sees host:port.
    const HostPattern loopback("^127[.]0[.]0[.]1:[0-9]+$");
    std::string problem;
    const std::optional<Poco::URI> url =
        checkSnsUrl("https://127.0.0.1:8443/SimpleNotificationService-test.pem", loopback, UrlUse::SigningCertificate,
                    problem);
    ASSERT_TRUE(url) << problem;
    EXPECT_EQ(url->getHost(), "127.0.0.1");
    EXPECT_EQ(url->getPort(), 8443);
    EXPECT_FALSE(checkSnsUrl("https://127.0.0.1/x.pem", loopback, UrlUse::SigningCertificate, problem))
        << "port 443 is matched as the bare host";
    EXPECT_FALSE(checkSnsUrl("https://127.0.0.2:8443/x.pem", loopback, UrlUse::SigningCertificate, problem));

    // The whole host must match, even without anchors.
    const HostPattern unanchored("sns[.]test");
    EXPECT_TRUE(checkSnsUrl("https://sns.test/x.pem", unanchored, UrlUse::SigningCertificate, problem));
    EXPECT_FALSE(checkSnsUrl("https://sns.test.evil.example/x.pem", unanchored, UrlUse::SigningCertificate, problem));
    EXPECT_FALSE(checkSnsUrl("https://evil-sns.test/x.pem", unanchored, UrlUse::SigningCertificate, problem));
    EXPECT_FALSE(checkSnsUrl("https://sns.test:8443/x.pem", unanchored, UrlUse::SigningCertificate, problem));
}

} // namespace
} // namespace verpmail::web
