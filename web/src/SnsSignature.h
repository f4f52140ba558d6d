// SnsSignature: whether an SNS message was signed by the key of its signing
// certificate.
//
//   if (!supportedSignatureVersion(m.signatureVersion)) refuse
//   SignatureCheck c = verifySnsSignature(m, certificate);   // never throws
//
// SignatureVersion "1" is SHA1withRSA, "2" SHA256withRSA (PKCS #1 v1.5), over
// canonicalText(m) (SnsMessage.h); Signature is base64. Poco::Crypto does the work
// (RSADigestEngine over the certificate's RSAKey). A certificate whose key is not
// RSA, a signature that is not base64 or not as long as the key, and one that does
// not verify are all refused.
#pragma once

#include "SnsMessage.h"

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Timestamp.h>

#include <string>

namespace verpmail::web {

enum class SignatureCheck
{
    Valid,
    UnsupportedVersion,  ///< SignatureVersion other than "1" or "2"
    Malformed,           ///< not base64, or not the key's length
    NotRsa,              ///< the certificate's key is no RSA key
    Invalid,             ///< does not verify: altered, or signed by another key
};

const char* signatureCheckName(SignatureCheck check);

bool supportedSignatureVersion(const std::string& version);

SignatureCheck verifySnsSignature(const SnsMessage& message, const Poco::Crypto::X509Certificate& certificate);

/// Whether `now` lies within the certificate's validity (notBefore, notAfter).
bool validAt(const Poco::Crypto::X509Certificate& certificate, const Poco::Timestamp& now);

} // namespace verpmail::web
