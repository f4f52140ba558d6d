// PocoHttpsFetcher against an HTTPS server on loopback with certificates made here:
// the chain and the host are verified (whatever Poco's SSLManager would accept), and
// status, size and time are bounded.
#include "HttpsFetcher.h"
#include "ServerTls.h"

#include "SnsTestKit.h"
#include "TestSupport.h"

#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace verpmail::web {
namespace {

using namespace testing;
using Clock = std::chrono::steady_clock;

// OpenSSL's words for a chain or a host it does not accept.
constexpr const char* kVerifyFailed = "certificate verify failed";

/// What the stand-in server was asked for.
struct Seen
{
    std::mutex mutex;
    std::vector<std::string> targets;
};

class StandInHandler : public Poco::Net::HTTPRequestHandler
{
public:
    explicit StandInHandler(Seen& seen) : _seen(seen) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
    {
        {
            const std::lock_guard<std::mutex> lock(_seen.mutex);
            _seen.targets.push_back(request.getURI());
        }
        const std::string path = Poco::URI(request.getURI()).getPath();
        if (path == "/cert.pem") {
            response.sendBuffer("-----BEGIN CERTIFICATE-----\n", 28);
        } else if (path == "/confirm") {
            response.sendBuffer("<ConfirmSubscriptionResponse/>", 30);
        } else if (path == "/big") {
            const std::string big(100 * 1024, 'x');
            response.sendBuffer(big.data(), big.size());
        } else if (path == "/redirect") {
            response.redirect("https://127.0.0.1/cert.pem");
        } else {
            response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
            response.sendBuffer("", 0);
        }
    }

private:
    Seen& _seen;
};

class StandInFactory : public Poco::Net::HTTPRequestHandlerFactory
{
public:
    explicit StandInFactory(Seen& seen) : _seen(seen) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new StandInHandler(_seen);
    }

private:
    Seen& _seen;
};

class HttpsFetcherTest : public ::testing::Test
{
protected:
    HttpsFetcherTest()
    {
        ca = makeCert({"Test SNS CA", true}, caKey(), nullptr, caKey());
        caFile = dir.privateFile("ca.pem", pemOf(ca));
        otherCaFile = dir.privateFile("other-ca.pem", pemOf(makeCert({"Other CA", true}, otherKey(), nullptr, otherKey())));
        keyFile = dir.privateFile("server.key", pemOf(signingKey()));
    }

    ~HttpsFetcherTest() override
    {
        if (server)
            server->stop();
    }

    /// Serves on 127.0.0.1 with a certificate the test CA issued with these names.
    void serve(const std::vector<std::string>& altNames)
    {
        const std::string certFile =
            dir.privateFile("server.pem", pemOf(makeCert({"stand-in", false, altNames}, signingKey(), ca, caKey())));
        Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 16,
                                             serverTlsContext(certFile, keyFile));
        port = socket.address().port();
        server = std::make_unique<Poco::Net::HTTPServer>(new StandInFactory(seen), socket,
                                                         new Poco::Net::HTTPServerParams);
        server->start();
    }

    std::string url(const std::string& pathEtc) const
    {
        return "https://127.0.0.1:" + std::to_string(port) + pathEtc;
    }

    /// The FetchFailed text of a GET, or "" when it succeeded.
    std::string failure(PocoHttpsFetcher& fetcher, const std::string& target, std::size_t max = 65536)
    {
        try {
            fetcher.get(Poco::URI(target), max);
        } catch (const FetchFailed& e) {
            return std::string("failed: ") + e.what();
        }
        return "";
    }

    SslLibrary ssl;
    test::TempDir dir;
    Cert ca;
    std::string caFile, otherCaFile, keyFile;
    Seen seen;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    unsigned short port = 0;
};

TEST_F(HttpsFetcherTest, FetchesFromAServerTheCaVouchesForAtThatAddress)
{
    serve({"IP:127.0.0.1"});
    PocoHttpsFetcher fetcher(caFile, std::chrono::seconds(5));
    EXPECT_EQ(fetcher.get(Poco::URI(url("/cert.pem")), 65536), "-----BEGIN CERTIFICATE-----\n");
    EXPECT_EQ(fetcher.get(Poco::URI(url("/confirm?Action=ConfirmSubscription&Token=abc")), 65536),
              "<ConfirmSubscriptionResponse/>");
    const std::lock_guard<std::mutex> lock(seen.mutex);
    ASSERT_EQ(seen.targets.size(), 2u);
    EXPECT_EQ(seen.targets[1], "/confirm?Action=ConfirmSubscription&Token=abc") << "the query goes along";
}

TEST_F(HttpsFetcherTest, AnotherCaOrTheSystemStoreIsRefused)
{
    serve({"IP:127.0.0.1"});
    PocoHttpsFetcher other(otherCaFile, std::chrono::seconds(5));
    EXPECT_NE(failure(other, url("/cert.pem")).find(kVerifyFailed), std::string::npos);
    PocoHttpsFetcher system("", std::chrono::seconds(5));
    EXPECT_NE(failure(system, url("/cert.pem")).find(kVerifyFailed), std::string::npos);
    const std::lock_guard<std::mutex> lock(seen.mutex);
    EXPECT_TRUE(seen.targets.empty()) << "nothing was asked of an unverified server";
}

TEST_F(HttpsFetcherTest, ACertificateForAnotherHostIsRefused)
{
    // A name only (no IP entry), and the address in the common name only: neither is
    // a certificate for https://127.0.0.1.
    serve({"DNS:sns.test", "IP:127.0.0.2"});
    PocoHttpsFetcher fetcher(caFile, std::chrono::seconds(5));
    EXPECT_NE(failure(fetcher, url("/cert.pem")).find(kVerifyFailed), std::string::npos);
    const std::lock_guard<std::mutex> lock(seen.mutex);
    EXPECT_TRUE(seen.targets.empty()) << "refused in the handshake, before the request";
}

TEST_F(HttpsFetcherTest, AProcessWideAcceptAllHandlerChangesNothing)
{
    serve({"IP:127.0.0.1"});
    // What a careless part of the process could do to Poco's SSLManager.
    Poco::Net::Context::Ptr lax =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_NONE);
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> accept = new Poco::Net::AcceptCertificateHandler(false);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, accept, lax);
    PocoHttpsFetcher other(otherCaFile, std::chrono::seconds(5));
    EXPECT_NE(failure(other, url("/cert.pem")).find(kVerifyFailed), std::string::npos);
}

TEST_F(HttpsFetcherTest, OnlyA200WithinTheBound)
{
    serve({"IP:127.0.0.1"});
    PocoHttpsFetcher fetcher(caFile, std::chrono::seconds(5));
    EXPECT_NE(failure(fetcher, url("/missing.pem")).find("HTTP status 404"), std::string::npos);
    EXPECT_NE(failure(fetcher, url("/redirect")).find("HTTP status 302"), std::string::npos) << "never followed";
    EXPECT_NE(failure(fetcher, url("/big"), 65536).find("larger than 65536"), std::string::npos);
    EXPECT_EQ(failure(fetcher, url("/big"), 200 * 1024), "");
}

TEST_F(HttpsFetcherTest, ASilentServerIsGivenUpOnInTime)
{
    // Accepts the connection and never says a word.
    Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
    PocoHttpsFetcher fetcher(caFile, std::chrono::seconds(1));
    const Clock::time_point began = Clock::now();
    EXPECT_NE(failure(fetcher, "https://127.0.0.1:" + std::to_string(silent.address().port()) + "/cert.pem"), "");
    EXPECT_LT(Clock::now() - began, std::chrono::seconds(10));
}

TEST_F(HttpsFetcherTest, TheTrustStoreIsCheckedAtStartUp)
{
    EXPECT_NO_THROW(checkTrustStore(caFile));
    EXPECT_NO_THROW(checkTrustStore(""));
    EXPECT_THROW(checkTrustStore(dir.path + "/missing.pem"), FetchFailed);
    EXPECT_THROW(checkTrustStore(dir.privateFile("empty.pem", "")), FetchFailed);
}

} // namespace
} // namespace verpmail::web
