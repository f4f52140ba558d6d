// TlsClientContext: the OpenSSL context every STARTTLS session of a run shares.
//
// libESMTP would otherwise build its own and look for CA certificates under
// $HOME/.authenticate; an operator expects the system's trust store, or the CA file
// named in smtp.tlsCaFile. The peer certificate is always verified (chain and host
// name, by libESMTP) unless smtp.tlsVerify = no.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace verpmail {

class TlsClientContext
{
public:
    /// @throws SmtpUnavailable when OpenSSL cannot build the context or read the CA file.
    TlsClientContext(const std::string& caFile, bool verify);

    SSL_CTX* native() const { return _ctx.get(); }
    bool verify() const { return _verify; }

private:
    struct Free
    {
        void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
    };
    std::unique_ptr<SSL_CTX, Free> _ctx;
    bool _verify;
};

} // namespace verpmail
