#include "ServerTls.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/db/PrivateFile.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetSSL.h>

#include <openssl/ssl.h>

#include <fstream>

namespace verpmail::web {
namespace {

// Mozilla's "intermediate" TLS 1.2 suites: ECDHE/DHE with AES-GCM or ChaCha20
// (TLS 1.3 suites are OpenSSL's defaults, all fine).
constexpr const char* kCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

void checkReadable(const std::string& path, const char* key)
{
    std::ifstream in(path);
    if (!in)
        throw ConfigError(std::string(key) + " = \"" + path + "\": cannot be read by this user");
}

} // namespace

SslLibrary::SslLibrary()
{
    Poco::Net::initializeSSL();
}

SslLibrary::~SslLibrary()
{
    Poco::Net::uninitializeSSL();
}

Poco::Net::Context::Ptr serverTlsContext(const std::string& certificateFile, const std::string& keyFile)
{
    checkReadable(certificateFile, keys::kWebTlsCertificateFile.name);
    // Whoever reads the key can impersonate the server: like the database password,
    // it must be the running user's (or root's) alone.
    checkPrivateFile(keyFile, keys::kWebTlsKeyFile.name);
    Poco::Net::Context::Params params;
    params.certificateFile = certificateFile;
    params.privateKeyFile = keyFile;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.loadDefaultCAs = false;
    params.cipherList = kCiphers;
    Poco::Net::Context::Ptr context;
    try {
        context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context->preferServerCiphers();
    } catch (const Poco::Exception& e) {
        throw ConfigError(std::string(keys::kWebTlsCertificateFile.name) + " = \"" + certificateFile + "\", " +
                          keys::kWebTlsKeyFile.name + " = \"" + keyFile + "\": " + e.displayText());
    }
    if (SSL_CTX_check_private_key(context->sslContext()) != 1)
        throw ConfigError(std::string(keys::kWebTlsKeyFile.name) + " = \"" + keyFile + "\" is not the key of " +
                          keys::kWebTlsCertificateFile.name + " = \"" + certificateFile + "\"");
    return context;
}

} // namespace verpmail::web
