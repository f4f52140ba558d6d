// SigningCertificates: fetched once, kept a day, bounded; failures never kept.
#include "SigningCertificates.h"

#include "SnsTestKit.h"

#include <gtest/gtest.h>

#include <chrono>

namespace verpmail::web {
namespace {

using namespace testing;
using Clock = SigningCertificates::Clock;

class SigningCertificatesTest : public ::testing::Test
{
protected:
    SigningCertificatesTest()
    {
        ca = makeCert({"Test SNS CA", true}, caKey(), nullptr, caKey());
        leafPem = pemOf(makeCert({"sns.us-east-1.amazonaws.com"}, signingKey(), ca, caKey()));
        fetcher.bodies[kCertUrl] = leafPem;
    }

    Cert ca;
    std::string leafPem;
    FakeFetcher fetcher;
    const Clock::time_point t0 = Clock::now();
};

TEST_F(SigningCertificatesTest, FetchesOnceAndKeepsItForItsLifetime)
{
    SigningCertificates certificates(fetcher, 4, std::chrono::hours(24));
    std::string problem;
    const auto first = certificates.get(Poco::URI(kCertUrl), t0, problem);
    ASSERT_TRUE(first) << problem;
    EXPECT_EQ(first->commonName(), "sns.us-east-1.amazonaws.com");
    const auto again = certificates.get(Poco::URI(kCertUrl), t0 + std::chrono::hours(23), problem);
    EXPECT_EQ(again, first) << "kept";
    EXPECT_EQ(fetcher.callsTo(kCertUrl), 1u);
    const auto later = certificates.get(Poco::URI(kCertUrl), t0 + std::chrono::hours(25), problem);
    ASSERT_TRUE(later);
    EXPECT_NE(later, first) << "fetched again after a day";
    EXPECT_EQ(fetcher.callsTo(kCertUrl), 2u);
    EXPECT_EQ(certificates.size(), 1u);
}

TEST_F(SigningCertificatesTest, KeepsAtMostItsCapacityDroppingTheOldest)
{
    SigningCertificates certificates(fetcher, 2);
    std::string problem;
    const std::string a = "https://sns.us-east-1.amazonaws.com/a.pem", b = "https://sns.us-east-1.amazonaws.com/b.pem",
                      c = "https://sns.us-east-1.amazonaws.com/c.pem";
    for (const std::string& url : {a, b, c})
        fetcher.bodies[url] = leafPem;
    ASSERT_TRUE(certificates.get(Poco::URI(a), t0, problem));
    ASSERT_TRUE(certificates.get(Poco::URI(b), t0 + std::chrono::seconds(1), problem));
    ASSERT_TRUE(certificates.get(Poco::URI(c), t0 + std::chrono::seconds(2), problem));
    EXPECT_EQ(certificates.size(), 2u);
    ASSERT_TRUE(certificates.get(Poco::URI(b), t0 + std::chrono::seconds(3), problem));
    ASSERT_TRUE(certificates.get(Poco::URI(c), t0 + std::chrono::seconds(3), problem));
    EXPECT_EQ(fetcher.callsTo(b) + fetcher.callsTo(c), 2u) << "the two newest are kept";
    ASSERT_TRUE(certificates.get(Poco::URI(a), t0 + std::chrono::seconds(4), problem));
    EXPECT_EQ(fetcher.callsTo(a), 2u) << "the oldest was dropped";
}

TEST_F(SigningCertificatesTest, FailuresAreNotKept)
{
    SigningCertificates certificates(fetcher);
    std::string problem;
    fetcher.failing = true;
    EXPECT_FALSE(certificates.get(Poco::URI(kCertUrl), t0, problem));
    EXPECT_NE(problem.find("Connection refused"), std::string::npos) << problem;
    fetcher.failing = false;
    EXPECT_TRUE(certificates.get(Poco::URI(kCertUrl), t0, problem)) << "tried again";
    EXPECT_EQ(fetcher.callsTo(kCertUrl), 2u);

    const std::string junk = "https://sns.us-east-1.amazonaws.com/junk.pem";
    fetcher.bodies[junk] = "<html>not a certificate</html>";
    problem.clear();
    EXPECT_FALSE(certificates.get(Poco::URI(junk), t0, problem));
    EXPECT_NE(problem.find("not PEM"), std::string::npos) << problem;
    EXPECT_EQ(certificates.size(), 1u);

    const std::string huge = "https://sns.us-east-1.amazonaws.com/huge.pem";
    fetcher.bodies[huge] = leafPem + std::string(SigningCertificates::kMaxCertificateBytes, '\n');
    EXPECT_FALSE(certificates.get(Poco::URI(huge), t0, problem)) << "the fetch is bounded";
    EXPECT_NE(problem.find("larger than 65536"), std::string::npos) << problem;
}

} // namespace
} // namespace verpmail::web
