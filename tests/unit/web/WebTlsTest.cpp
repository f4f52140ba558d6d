// HTTPS: the server's TLS context from a certificate and key made here, the checks on
// the key file, and the server over TLS (the request deadline included).
#include "ServerTls.h"
#include "WebServer.h"

#include "WebTestFakes.h"

#include "verpmail/db/MysqlError.h"

#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include "TestSupport.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace verpmail::web {
namespace {

using test::TempDir;

using Clock = std::chrono::steady_clock;

struct PkeyFree
{
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free
{
    void operator()(X509* x) const { X509_free(x); }
};

/// Writes a new P-256 key (mode `keyMode`) and a self-signed certificate for it.
void writeKeyAndCertificate(const std::string& keyPath, const std::string& certPath, mode_t keyMode)
{
    std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    ASSERT_TRUE(key);
    std::unique_ptr<X509, X509Free> cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    ASSERT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);

    FILE* k = std::fopen(keyPath.c_str(), "w");
    ASSERT_NE(k, nullptr);
    PEM_write_PrivateKey(k, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(k);
    ASSERT_EQ(::chmod(keyPath.c_str(), keyMode), 0);
    FILE* c = std::fopen(certPath.c_str(), "w");
    ASSERT_NE(c, nullptr);
    PEM_write_X509(c, cert.get());
    std::fclose(c);
}

/// The test client's context: it trusts whatever the test server shows. `tls12`: TLS
/// 1.2 only (no session tickets after the handshake, which a reader would see as
/// data; and the oldest version the server must still speak).
Poco::Net::Context::Ptr clientContext(bool tls12 = false)
{
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_NONE);
    context->enableExtendedCertificateVerification(false);
    if (tls12)
        context->disableProtocols(Poco::Net::Context::PROTO_TLSV1_3);
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> accept = new Poco::Net::AcceptCertificateHandler(false);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, accept, context);
    return context;
}

class WebTlsTest : public ::testing::Test
{
protected:
    WebTlsTest() : log(testing::keptLogger(lines)), handlers(directory, limits, log)
    {
        key = dir.path + "/key.pem";
        cert = dir.path + "/cert.pem";
    }

    SslLibrary ssl;
    TempDir dir;
    std::string key, cert;
    testing::FakeDirectory directory;
    TokenBuckets limits{1000};
    Poco::AutoPtr<testing::KeptLines> lines;
    Poco::Logger& log;
    WebHandlers handlers;
};

TEST_F(WebTlsTest, ContextNeedsAPrivateKeyOfTheCertificate)
{
    writeKeyAndCertificate(key, cert, 0600);
    const Poco::Net::Context::Ptr context = serverTlsContext(cert, key);
    EXPECT_EQ(SSL_CTX_get_min_proto_version(context->sslContext()), TLS1_2_VERSION) << "TLS 1.2 at least";

    ASSERT_EQ(::chmod(key.c_str(), 0640), 0);
    try {
        serverTlsContext(cert, key);
        ADD_FAILURE() << "a key group members may read was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("web.tls.keyFile"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    }
    ASSERT_EQ(::chmod(key.c_str(), 0600), 0);

    // Another key than the certificate's.
    const std::string otherKey = dir.path + "/other-key.pem", otherCert = dir.path + "/other-cert.pem";
    writeKeyAndCertificate(otherKey, otherCert, 0600);
    try {
        serverTlsContext(cert, otherKey);
        ADD_FAILURE() << "a key of another certificate was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("web.tls"), std::string::npos) << e.what();
    }
    EXPECT_THROW(serverTlsContext(dir.path + "/missing.pem", key), ConfigError);
    EXPECT_THROW(serverTlsContext(cert, dir.path + "/missing.pem"), ConfigError);
    EXPECT_THROW(serverTlsContext(key, key), ConfigError) << "a key is no certificate";
}

TEST_F(WebTlsTest, ServesHttpsAndCutsSlowClientsThere)
{
    writeKeyAndCertificate(key, cert, 0600);
    WebSettings settings;
    settings.listen = "127.0.0.1:0";
    settings.threads = 2;
    settings.timeoutSeconds = 1;
    WebServer server(settings, serverTlsContext(cert, key), handlers, log);
    server.start();
    EXPECT_EQ(server.url().rfind("https://127.0.0.1:", 0), 0u);

    {
        Poco::Net::HTTPSClientSession session("127.0.0.1", server.port(), clientContext());
        Poco::Net::HTTPRequest request("GET", "/health", Poco::Net::HTTPRequest::HTTP_1_1);
        request.setKeepAlive(false);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
        EXPECT_EQ(response.getStatus(), 200);
        EXPECT_EQ(body, R"({"status":"ok","database":"ok"})");
    }

    // Handshake done, then the header a byte at a time: cut after web.timeout.
    Poco::Net::SecureStreamSocket slow(Poco::Net::SocketAddress("127.0.0.1", server.port()), clientContext(true));
    slow.completeHandshake();
    const std::string header = "GET /health HTTP/1.1\r\nHost: x\r\nX-Drip: " + std::string(200, 'd');
    const Clock::time_point began = Clock::now();
    bool closed = false;
    for (std::size_t i = 0; i < header.size() && Clock::now() - began < std::chrono::seconds(8) && !closed; ++i) {
        try {
            slow.sendBytes(&header[i], 1);
            if (slow.poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ)) {
                char buffer[512];
                closed = slow.receiveBytes(buffer, sizeof buffer) <= 0;
            }
        } catch (const Poco::Exception&) {
            closed = true;
        }
    }
    const auto took = Clock::now() - began;
    EXPECT_TRUE(closed);
    EXPECT_GE(took, std::chrono::milliseconds(900)) << "not cut before its time";
    EXPECT_LT(took, std::chrono::seconds(4));
    EXPECT_EQ(server.timedOut(), 1u);
    server.stop();
}

} // namespace
} // namespace verpmail::web
