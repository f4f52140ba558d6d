#include "HttpsFetcher.h"

#include "verpmail/util/Printable.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Timespan.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>

namespace verpmail::web {
namespace {

using Clock = std::chrono::steady_clock;

// Forward-secret AEAD suites for TLS 1.2 (TLS 1.3's are OpenSSL's defaults).
constexpr const char* kCiphers = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL";

/// A client context that trusts only caFile (or the system's store) and accepts only
/// a certificate for `host`.
Poco::Net::Context::Ptr clientContext(const std::string& caFile, const std::string& host)
{
    Poco::Net::Context::Params params;
    params.caLocation = caFile;
    params.loadDefaultCAs = caFile.empty();
    // STRICT: Poco checks the host name after the handshake too, loopback included.
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.verificationDepth = 9;
    params.cipherList = kCiphers;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);

    SSL_CTX* ssl = context->sslContext();
    // OpenSSL's own verdict on the chain: Poco's callback would let a certificate
    // handler registered anywhere in the process (SSLManager) overrule it.
    SSL_CTX_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    // The name (or address) is checked against the certificate in the handshake,
    // before a byte of the request leaves.
    X509_VERIFY_PARAM* verify = SSL_CTX_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(verify, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    Poco::Net::IPAddress address;
    const int set = Poco::Net::IPAddress::tryParse(host, address)
                        ? X509_VERIFY_PARAM_set1_ip_asc(verify, host.c_str())
                        : X509_VERIFY_PARAM_set1_host(verify, host.c_str(), host.size());
    if (set != 1)
        throw FetchFailed("cannot verify the host \"" + printable(host, 100) + "\"");
    return context;
}

} // namespace

void checkTrustStore(const std::string& caFile)
{
    try {
        clientContext(caFile, "localhost");
    } catch (const Poco::Exception& e) {
        throw FetchFailed(e.displayText());
    }
}

PocoHttpsFetcher::PocoHttpsFetcher(std::string caFile, std::chrono::seconds timeout)
    : _caFile(std::move(caFile)), _timeout(timeout)
{
}

std::string PocoHttpsFetcher::get(const Poco::URI& uri, std::size_t maxBytes)
{
    const Clock::time_point deadline = Clock::now() + 2 * _timeout;
    try {
        const Poco::Net::Context::Ptr context = clientContext(_caFile, uri.getHost());
        Poco::Net::HTTPSClientSession session(uri.getHost(), uri.getPort(), context);
        const Poco::Timespan timeout(static_cast<long>(_timeout.count()), 0);
        session.setTimeout(timeout, timeout, timeout);
        session.setKeepAlive(false);

        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathEtc(),
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("User-Agent", "verpmail-web");
        request.setKeepAlive(false);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
            throw FetchFailed("HTTP status " + std::to_string(static_cast<int>(response.getStatus())));
        if (response.hasContentLength() && response.getContentLength64() > static_cast<Poco::Int64>(maxBytes))
            throw FetchFailed("larger than " + std::to_string(maxBytes) + " bytes");

        // One receive per round at most, so that the deadline is looked at between them.
        std::string body;
        std::streambuf& buffer = *in.rdbuf();
        char chunk[4096];
        while (true) {
            if (Clock::now() > deadline)
                throw FetchFailed("took longer than " + std::to_string(2 * _timeout.count()) + "s");
            const std::streamsize buffered = buffer.in_avail();
            if (buffered < 0)
                break;  // the end of the body
            const std::streamsize want = std::min<std::streamsize>(static_cast<std::streamsize>(sizeof chunk),
                                                                   std::max<std::streamsize>(buffered, 1));
            const std::streamsize got = buffer.sgetn(chunk, want);
            if (got <= 0)
                break;
            body.append(chunk, static_cast<std::size_t>(got));
            if (body.size() > maxBytes)
                throw FetchFailed("larger than " + std::to_string(maxBytes) + " bytes");
        }
        if (response.hasContentLength() && static_cast<Poco::Int64>(body.size()) != response.getContentLength64())
            throw FetchFailed("the body ended early");
        return body;
    } catch (const FetchFailed&) {
        throw;
    } catch (const Poco::Exception& e) {
        // Certificate, handshake, time-out, connection: all say the same to the caller.
        throw FetchFailed(e.displayText());
    } catch (const std::exception& e) {
        throw FetchFailed(e.what());
    }
}

} // namespace verpmail::web
