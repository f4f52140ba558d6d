// SnsSignature: SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA) verified with
// a key pair and a certificate made here (a CA and the leaf it signs), and every way
// a signature can be wrong refused.
#include "SnsSignature.h"

#include "SnsTestKit.h"

#include <Poco/Crypto/X509Certificate.h>

#include <gtest/gtest.h>

#include <sstream>

namespace verpmail::web {
namespace {

using namespace testing;

Poco::Crypto::X509Certificate certificateOf(const Cert& cert)
{
    std::istringstream in(pemOf(cert));
    return Poco::Crypto::X509Certificate(in);
}

class SnsSignatureTest : public ::testing::Test
{
protected:
    SnsSignatureTest()
        : ca(makeCert({"Test SNS CA", true}, caKey(), nullptr, caKey())),
          leaf(certificateOf(makeCert({"sns.us-east-1.amazonaws.com"}, signingKey(), ca, caKey())))
    {
    }

    Cert ca;
    Poco::Crypto::X509Certificate leaf;
};

TEST_F(SnsSignatureTest, BothVersionsVerify)
{
    for (const char* version : {"1", "2"}) {
        SCOPED_TRACE(version);
        SnsMessage n = notification(sesBounce());
        n.signatureVersion = version;
        EXPECT_EQ(verifySnsSignature(sign(n), leaf), SignatureCheck::Valid);
        SnsMessage c = confirmation();
        c.signatureVersion = version;
        EXPECT_EQ(verifySnsSignature(sign(c), leaf), SignatureCheck::Valid);
        SnsMessage u = confirmation(SnsMessage::Type::UnsubscribeConfirmation);
        u.signatureVersion = version;
        EXPECT_EQ(verifySnsSignature(sign(u), leaf), SignatureCheck::Valid);
        SnsMessage noSubject = notification("x");
        noSubject.subject.reset();
        noSubject.signatureVersion = version;
        EXPECT_EQ(verifySnsSignature(sign(noSubject), leaf), SignatureCheck::Valid);
    }
}

TEST_F(SnsSignatureTest, EveryAlteredFieldIsRefused)
{
    const SnsMessage n = sign(notification(sesBounce()));
    const SnsMessage c = sign(confirmation());
    ASSERT_EQ(verifySnsSignature(n, leaf), SignatureCheck::Valid);
    ASSERT_EQ(verifySnsSignature(c, leaf), SignatureCheck::Valid);

    const auto altered = [](SnsMessage m, void (*change)(SnsMessage&)) {
        change(m);
        return m;
    };
    const struct
    {
        const char* name;
        SnsMessage message;
    } rows[] = {
        {"Message", altered(n, [](SnsMessage& m) { m.message[m.message.size() / 2] ^= 1; })},
        {"MessageId", altered(n, [](SnsMessage& m) { m.messageId += "x"; })},
        {"Subject", altered(n, [](SnsMessage& m) { m.subject = "Hello"; })},
        {"Subject dropped", altered(n, [](SnsMessage& m) { m.subject.reset(); })},
        {"Timestamp", altered(n, [](SnsMessage& m) { m.timestamp = "2026-12-08T18:00:00.123Z"; })},
        {"TopicArn", altered(n, [](SnsMessage& m) { m.topicArn += "-other"; })},
        {"Type", altered(n, [](SnsMessage& m) { m.typeName = "SubscriptionConfirmation"; })},
        {"version 2 -> 1", altered(n, [](SnsMessage& m) { m.signatureVersion = "1"; })},
        {"SubscribeURL", altered(c, [](SnsMessage& m) { m.subscribeUrl += "&x=1"; })},
        {"Token", altered(c, [](SnsMessage& m) { m.token = "0000"; })},
        {"confirmation TopicArn", altered(c, [](SnsMessage& m) { m.topicArn = "arn:aws:sns:us-east-1:1:x"; })},
        {"confirmation Message", altered(c, [](SnsMessage& m) { m.message += " "; })},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        EXPECT_EQ(verifySnsSignature(row.message, leaf), SignatureCheck::Invalid);
    }
}

TEST_F(SnsSignatureTest, AnotherKeyIsRefused)
{
    EXPECT_EQ(verifySnsSignature(sign(notification("x"), otherKey()), leaf), SignatureCheck::Invalid);
    // The CA's own certificate: signed by the CA's key, not the message's.
    EXPECT_EQ(verifySnsSignature(sign(notification("x")), certificateOf(ca)), SignatureCheck::Invalid);
}

TEST_F(SnsSignatureTest, VersionsAndEncodingsOtherThanSnsUsesAreRefused)
{
    for (const char* version : {"", "0", "3", "2 ", "v2", "SHA256"}) {
        SCOPED_TRACE(version);
        SnsMessage m = sign(notification("x"));
        m.signatureVersion = version;
        EXPECT_FALSE(supportedSignatureVersion(version));
        EXPECT_EQ(verifySnsSignature(m, leaf), SignatureCheck::UnsupportedVersion);
    }
    const SnsMessage good = sign(notification("x"));
    const std::string truncated = good.signature.substr(0, good.signature.size() - 8);
    for (const std::string& signature :
         {std::string(), std::string("!!!!"), truncated, good.signature + "AAAA", std::string(3000, 'A'),
          base64(std::string(255, '\x01')), good.signature.substr(0, 100) + "\n" + good.signature.substr(100)}) {
        SCOPED_TRACE(signature.substr(0, 40));
        SnsMessage m = good;
        m.signature = signature;
        EXPECT_EQ(verifySnsSignature(m, leaf), SignatureCheck::Malformed);
    }
}

TEST_F(SnsSignatureTest, AnEcCertificateIsRefused)
{
    const Key ec = ecKey();
    const Poco::Crypto::X509Certificate ecLeaf = certificateOf(makeCert({"sns.us-east-1.amazonaws.com"}, ec, ca, caKey()));
    EXPECT_EQ(verifySnsSignature(sign(notification("x")), ecLeaf), SignatureCheck::NotRsa);
}

TEST_F(SnsSignatureTest, ValidityIsCheckedAgainstTheGivenTime)
{
    const Poco::Timestamp now;
    EXPECT_TRUE(validAt(leaf, now));
    EXPECT_FALSE(validAt(leaf, now + Poco::Timespan(2, 0, 0, 0, 0)));  // two days on
    EXPECT_FALSE(validAt(leaf, now - Poco::Timespan(0, 2, 0, 0, 0)));
    const Poco::Crypto::X509Certificate expired =
        certificateOf(makeCert({"sns.us-east-1.amazonaws.com", false, {}, -7200, -60}, signingKey(), ca, caKey()));
    EXPECT_FALSE(validAt(expired, now));
    const Poco::Crypto::X509Certificate future =
        certificateOf(makeCert({"sns.us-east-1.amazonaws.com", false, {}, 600, 7200}, signingKey(), ca, caKey()));
    EXPECT_FALSE(validAt(future, now));
}

} // namespace
} // namespace verpmail::web
