// SnsTestKit: what the SNS webhook tests need to play Amazon: RSA and EC keys, a
// self-signed CA and the certificates it issues (made here with OpenSSL), SNS
// messages signed as SNS signs them (SignatureVersion 1 and 2), and fakes of the
// webhook's fetcher and ledger that record every call.
#pragma once

#include "HttpsFetcher.h"
#include "ReturnLedger.h"
#include "SnsMessage.h"

#include "verpmail/util/Json.h"

#include <Poco/Base64Encoder.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace verpmail::web::testing {

struct PkeyFree
{
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free
{
    void operator()(X509* x) const { X509_free(x); }
};
using Key = std::shared_ptr<EVP_PKEY>;
using Cert = std::shared_ptr<X509>;

inline Key rsaKey()
{
    Key key(EVP_RSA_gen(2048), PkeyFree());
    if (!key)
        throw std::runtime_error("EVP_RSA_gen failed");
    return key;
}

inline Key ecKey()
{
    Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), PkeyFree());
    if (!key)
        throw std::runtime_error("EC keygen failed");
    return key;
}

/// Keys are slow to make: one of each per test program.
inline const Key& caKey()
{
    static const Key key = rsaKey();
    return key;
}
inline const Key& signingKey()
{
    static const Key key = rsaKey();
    return key;
}
inline const Key& otherKey()
{
    static const Key key = rsaKey();
    return key;
}

struct CertSpec
{
    CertSpec(std::string cn, bool isCa = false, std::vector<std::string> alt = {}, long notBefore = -3600,
             long notAfter = 3600)
        : commonName(std::move(cn)), ca(isCa), altNames(std::move(alt)), notBeforeSeconds(notBefore),
          notAfterSeconds(notAfter)
    {
    }
    std::string commonName;
    bool ca;
    std::vector<std::string> altNames;  ///< "DNS:name", "IP:127.0.0.1"
    long notBeforeSeconds;              ///< relative to now
    long notAfterSeconds;
};

/// A certificate for `subject`'s key, signed by `issuerKey` under `issuer`'s name
/// (null: self-signed).
inline Cert makeCert(const CertSpec& spec, const Key& subject, const Cert& issuer, const Key& issuerKey)
{
    static long serial = 1;
    Cert cert(X509_new(), X509Free());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.notBeforeSeconds);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.notAfterSeconds);
    X509_set_pubkey(cert.get(), subject.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(spec.commonName.c_str()),
                               -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer.get()) : name);
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer ? issuer.get() : cert.get(), cert.get(), nullptr, nullptr, 0);
    std::vector<std::pair<int, std::string>> extensions = {
        {NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "CA:FALSE"},
        {NID_key_usage, spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment"},
    };
    if (!spec.ca)
        extensions.emplace_back(NID_ext_key_usage, "serverAuth");
    std::string alt;
    for (const std::string& a : spec.altNames)
        alt += (alt.empty() ? "" : ",") + a;
    if (!alt.empty())
        extensions.emplace_back(NID_subject_alt_name, alt);
    for (const auto& [nid, value] : extensions) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
        if (!ext)
            throw std::runtime_error("bad extension " + value);
        X509_add_ext(cert.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (X509_sign(cert.get(), issuerKey.get(), EVP_sha256()) <= 0)
        throw std::runtime_error("X509_sign failed");
    return cert;
}

inline std::string pemOf(const Cert& cert)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_X509(bio.get(), cert.get());
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

inline std::string pemOf(const Key& key)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

inline std::string base64(const std::string& bytes)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

/// The PKCS #1 v1.5 signature of `text` with `key` (OpenSSL, not the code under test).
inline std::string rsaSign(const std::string& text, const Key& key, const EVP_MD* digest)
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t size = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, digest, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
        throw std::runtime_error("EVP_DigestSign failed");
    std::string signature(size, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
        throw std::runtime_error("EVP_DigestSign failed");
    signature.resize(size);
    return signature;
}

inline constexpr const char* kTopic = "arn:aws:sns:us-east-1:123456789012:ses-returns";
inline constexpr const char* kCertUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789.pem";
inline constexpr const char* kSubscribeUrl =
    "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:"
    "ses-returns&Token=2336412f37";

/// A Notification as SNS would send it, unsigned (sign() signs it).
inline SnsMessage notification(const std::string& message, const std::string& id = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324")
{
    SnsMessage m;
    m.type = SnsMessage::Type::Notification;
    m.typeName = "Notification";
    m.messageId = id;
    m.topicArn = kTopic;
    m.subject = "Amazon SES Email Event Notification";
    m.message = message;
    m.timestamp = "2026-12-07T18:00:00.123Z";
    m.signatureVersion = "2";
    m.signingCertUrl = kCertUrl;
    return m;
}

inline SnsMessage confirmation(SnsMessage::Type type = SnsMessage::Type::SubscriptionConfirmation)
{
    SnsMessage m;
    m.type = type;
    m.typeName = typeName(type);
    m.messageId = "165545c9-2a5c-472c-8df2-7ff2be2b3b1b";
    m.topicArn = kTopic;
    m.message = "You have chosen to subscribe to the topic arn:aws:sns:us-east-1:123456789012:ses-returns.\n"
                "To confirm the subscription, visit the SubscribeURL included in this message.";
    m.timestamp = "2026-12-07T17:00:00.000Z";
    m.token = "2336412f37";
    m.subscribeUrl = kSubscribeUrl;
    m.signatureVersion = "1";
    m.signingCertUrl = kCertUrl;
    return m;
}

/// Signs m as SNS does for its SignatureVersion ("1": SHA1, else SHA256).
inline SnsMessage sign(SnsMessage m, const Key& key = signingKey())
{
    m.signature = base64(rsaSign(canonicalText(m), key, m.signatureVersion == "1" ? EVP_sha1() : EVP_sha256()));
    return m;
}

/// The JSON body SNS POSTs for m.
inline std::string bodyOf(const SnsMessage& m)
{
    std::string body;
    JsonWriter json(body);
    json.beginObject().key("Type").value(m.typeName).key("MessageId").value(m.messageId);
    if (m.type != SnsMessage::Type::Notification)
        json.key("Token").value(m.token);
    json.key("TopicArn").value(m.topicArn);
    if (m.subject)
        json.key("Subject").value(*m.subject);
    json.key("Message").value(m.message);
    if (m.type != SnsMessage::Type::Notification)
        json.key("SubscribeURL").value(m.subscribeUrl);
    json.key("Timestamp").value(m.timestamp).key("SignatureVersion").value(m.signatureVersion);
    json.key("Signature").value(m.signature).key("SigningCertURL").value(m.signingCertUrl);
    if (m.type == SnsMessage::Type::Notification)
        json.key("UnsubscribeURL").value("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe");
    json.endObject();
    return body;
}

/// An HttpsFetcher that serves bodies by URL from memory and records each GET.
class FakeFetcher : public HttpsFetcher
{
public:
    std::string get(const Poco::URI& uri, std::size_t maxBytes) override
    {
        const std::lock_guard<std::mutex> lock(mutex);
        calls.push_back(uri.toString());
        if (failing)
            throw FetchFailed("Connection refused");
        const auto found = bodies.find(uri.toString());
        if (found == bodies.end())
            throw FetchFailed("HTTP status 404");
        if (found->second.size() > maxBytes)
            throw FetchFailed("larger than " + std::to_string(maxBytes) + " bytes");
        return found->second;
    }

    std::size_t callsTo(const std::string& url)
    {
        const std::lock_guard<std::mutex> lock(mutex);
        std::size_t n = 0;
        for (const std::string& c : calls)
            n += c == url;
        return n;
    }

    std::mutex mutex;
    std::map<std::string, std::string> bodies;
    std::vector<std::string> calls;
    bool failing = false;
};

/// A ReturnLedger in memory: a tracker, and the entries recorded, once per dedup key.
class FakeLedger : public ReturnLedger
{
public:
    std::optional<std::string> encodedFromOf(const std::string& email) override
    {
        ++lookups;
        failIfDown();
        const auto found = tracker.find(email);
        return found == tracker.end() ? std::nullopt : std::optional<std::string>(found->second);
    }

    RecordResult record(const ReturnEntry& entry) override
    {
        failIfDown();
        if (downAfter >= 0 && static_cast<int>(recorded.size()) >= downAfter)
            throw StoreUnavailable("database: MySQL error 2013 (HY000): Lost connection", true);
        if (unrecordable)
            throw UnrecordableReturn("refused", 1366);
        RecordResult result;
        const std::string key(reinterpret_cast<const char*>(entry.dedupKey.data()), entry.dedupKey.size());
        if (!keys.insert(key).second) {
            result.outcome = RecordOutcome::Duplicate;
            return result;
        }
        recorded.push_back(entry);
        return result;
    }

    std::map<std::string, std::string> tracker;  ///< address -> EncodedFROM
    std::vector<ReturnEntry> recorded;
    std::set<std::string> keys;
    int lookups = 0;
    bool down = false;
    int downAfter = -1;  ///< >= 0: down once that many entries are recorded
    bool unrecordable = false;

private:
    void failIfDown() const
    {
        if (down)
            throw StoreUnavailable("database: MySQL error 2002 (HY000): Can't connect", true);
    }
};

/// An SES Bounce event (the SNS Message), as SES writes one.
inline std::string sesBounce(const std::string& feedbackId = "0100018d-bounce-feedback")
{
    return R"({"notificationType":"Bounce","bounce":{"feedbackId":")" + feedbackId +
           R"(","bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[)"
           R"({"emailAddress":"Jane@Example.ORG","action":"failed","status":"5.1.1",)"
           R"("diagnosticCode":"smtp; 550 5.1.1 user unknown"},)"
           R"({"emailAddress":"stranger@example.net","action":"failed","status":"5.1.1",)"
           R"("diagnosticCode":"smtp; 550 5.1.1 user unknown"}],)"
           R"("timestamp":"2026-12-07T18:00:00.000Z","reportingMTA":"dsn; a1-1.smtp-out.amazonses.com"},)"
           R"("mail":{"timestamp":"2026-12-07T17:59:00.000Z","source":"news@lists.example.org",)"
           R"("messageId":"0100018d-mail-id","destination":["Jane@Example.ORG","stranger@example.net"],)"
           R"("headers":[{"name":"From","value":"news@lists.example.org"},)"
           R"({"name":"X-Verpmail-Campaign","value":"news-2026-12"}]}})";
}

inline std::string sesComplaint(const std::string& feedbackId = "0100018d-complaint-feedback")
{
    return R"({"notificationType":"Complaint","complaint":{"feedbackId":")" + feedbackId +
           R"(","complaintFeedbackType":"abuse","complainedRecipients":[{"emailAddress":"jane@example.org"}],)"
           R"("timestamp":"2026-12-07T18:00:00.000Z"},"mail":{"messageId":"0100018d-mail-id",)"
           R"("source":"news@lists.example.org","tags":{"campaign":["news-2026-11"]}}})";
}

inline std::string sesDelivery()
{
    return R"({"eventType":"Delivery","delivery":{"timestamp":"2026-12-07T18:00:00.000Z","recipients":)"
           R"(["jane@example.org"],"smtpResponse":"250 2.0.0 OK"},"mail":{"messageId":"0100018d-mail-id"}})";
}

} // namespace verpmail::web::testing
