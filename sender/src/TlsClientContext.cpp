#include "TlsClientContext.h"

#include "SmtpBatch.h"

#include <openssl/err.h>

namespace verpmail {

TlsClientContext::TlsClientContext(const std::string& caFile, bool verify)
    : _ctx(SSL_CTX_new(TLS_client_method())), _verify(verify)
{
    if (!_ctx)
        throw SmtpUnavailable("OpenSSL cannot create a TLS context");
    SSL_CTX_set_min_proto_version(_ctx.get(), TLS1_2_VERSION);
    // TLS 1.2 at most: libESMTP 1.1 polls the socket before reading, while OpenSSL may
    // already hold TLS 1.3 records (the server's session tickets arrive after the
    // handshake); the session then waits on a reply it already has, until the
    // timeout. Seen against Postfix 3.7 here about one session in five.
    SSL_CTX_set_max_proto_version(_ctx.get(), TLS1_2_VERSION);
    const int loaded = caFile.empty() ? SSL_CTX_set_default_verify_paths(_ctx.get())
                                      : SSL_CTX_load_verify_locations(_ctx.get(), caFile.c_str(), nullptr);
    if (loaded != 1) {
        char why[256];
        ERR_error_string_n(ERR_get_error(), why, sizeof why);
        throw SmtpUnavailable("cannot load CA certificates" + (caFile.empty() ? std::string() : " from " + caFile) + ": " +
                              why);
    }
    // libESMTP checks the verification result and the host name after the handshake
    // and asks us (the event callback) whether to go on; we only need the chain
    // verified here.
    SSL_CTX_set_verify(_ctx.get(), SSL_VERIFY_NONE, nullptr);
}

} // namespace verpmail
