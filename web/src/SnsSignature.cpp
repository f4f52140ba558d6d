#include "SnsSignature.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Crypto/RSADigestEngine.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <iterator>
#include <sstream>

namespace verpmail::web {
namespace {

// A 4096-bit key's signature is 684 base64 characters; SNS uses 2048 bits (344).
constexpr std::size_t kMaxSignatureText = 2048;

/// The decoded signature; false when it is not base64.
bool decodeBase64(const std::string& text, std::string& out)
{
    if (text.empty() || text.size() > kMaxSignatureText)
        return false;
    for (const char c : text) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '+' && c != '/' && c != '=')
            return false;
    }
    try {
        std::istringstream in(text);
        Poco::Base64Decoder decoder(in);
        out.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
        // Only the one encoding of those bytes: nothing after the padding, no stray bits.
        std::ostringstream again;
        Poco::Base64Encoder encoder(again);
        encoder.rdbuf()->setLineLength(0);
        encoder.write(out.data(), static_cast<std::streamsize>(out.size()));
        encoder.close();
        return again.str() == text;
    } catch (const Poco::Exception&) {
        return false;
    }
}

} // namespace

const char* signatureCheckName(SignatureCheck check)
{
    switch (check) {
    case SignatureCheck::Valid: return "valid";
    case SignatureCheck::UnsupportedVersion: return "unsupported-signature-version";
    case SignatureCheck::Malformed: return "malformed-signature";
    case SignatureCheck::NotRsa: return "not-an-rsa-certificate";
    case SignatureCheck::Invalid: return "bad-signature";
    }
    return "bad-signature";
}

bool supportedSignatureVersion(const std::string& version)
{
    return version == "1" || version == "2";
}

SignatureCheck verifySnsSignature(const SnsMessage& message, const Poco::Crypto::X509Certificate& certificate)
{
    if (!supportedSignatureVersion(message.signatureVersion))
        return SignatureCheck::UnsupportedVersion;
    // Poco's RSAKey takes any certificate but holds no key unless it is RSA.
    const EVP_PKEY* key = X509_get0_pubkey(certificate.certificate());
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
        return SignatureCheck::NotRsa;
    std::string signature;
    if (!decodeBase64(message.signature, signature) || signature.empty() ||
        static_cast<int>(signature.size()) != EVP_PKEY_get_size(key))
        return SignatureCheck::Malformed;
    try {
        const Poco::Crypto::RSAKey rsa(certificate);
        Poco::Crypto::RSADigestEngine engine(rsa, message.signatureVersion == "1" ? "SHA1" : "SHA256");
        const std::string text = canonicalText(message);
        engine.update(text.data(), static_cast<unsigned>(text.size()));
        const Poco::DigestEngine::Digest bytes(signature.begin(), signature.end());
        return engine.verify(bytes) ? SignatureCheck::Valid : SignatureCheck::Invalid;
    } catch (const Poco::Exception&) {
        return SignatureCheck::Invalid;
    }
}

bool validAt(const Poco::Crypto::X509Certificate& certificate, const Poco::Timestamp& now)
{
    // OpenSSL compares both ASN.1 time forms (UTCTime and GeneralizedTime); 0 is an error.
    time_t at = now.epochTime();
    const X509* x509 = certificate.certificate();
    return X509_cmp_time(X509_get0_notBefore(x509), &at) < 0 && X509_cmp_time(X509_get0_notAfter(x509), &at) > 0;
}

} // namespace verpmail::web
