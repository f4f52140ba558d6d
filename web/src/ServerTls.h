// ServerTls: the TLS side of verpmail-web (web.tls.certificateFile, web.tls.keyFile).
//
//   SslLibrary ssl;                                         // for the process's life
//   Poco::Net::Context::Ptr context = serverTlsContext(certificateFile, keyFile);
//
// TLS 1.2 and 1.3 only, the server's cipher order, forward-secret AEAD suites for
// TLS 1.2; no client certificates. The certificate file is the PEM chain, the
// server's certificate first. The key file must be private (mode 0600, owned by the
// running user or root: PrivateFile.h); that it matches the certificate is checked
// here, at start-up, rather than at the first handshake.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

namespace verpmail::web {

/// Poco's OpenSSL initialisation, undone when it goes.
class SslLibrary
{
public:
    SslLibrary();
    ~SslLibrary();
    SslLibrary(const SslLibrary&) = delete;
    SslLibrary& operator=(const SslLibrary&) = delete;
};

/// @throws ConfigError naming the key and the file: unreadable, not private (the key),
/// not PEM, or a key that does not belong to the certificate.
Poco::Net::Context::Ptr serverTlsContext(const std::string& certificateFile, const std::string& keyFile);

} // namespace verpmail::web
