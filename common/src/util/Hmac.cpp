#include "verpmail/util/Hmac.h"

#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <string>

namespace verpmail {
namespace {

// SHA2Engine as HMACEngine wants its engine: default-constructible, with the block
// and digest sizes as constants (Poco 1.11's SHA2Engine lacks them).
class Sha256Engine : public Poco::SHA2Engine
{
public:
    enum
    {
        BLOCK_SIZE = 64,
        DIGEST_SIZE = 32
    };
    Sha256Engine() : Poco::SHA2Engine(SHA_256) {}
};

Sha256Digest toDigest(const Poco::DigestEngine::Digest& d)
{
    Sha256Digest out{};
    std::copy_n(d.begin(), out.size(), out.begin());
    return out;
}

} // namespace

Sha256Digest sha256(std::string_view message)
{
    Sha256Engine engine;
    engine.update(message.data(), message.size());
    return toDigest(engine.digest());
}

Sha256Digest hmacSha256(std::string_view key, std::string_view message)
{
    Poco::HMACEngine<Sha256Engine> engine{std::string(key)};
    engine.update(message.data(), message.size());
    return toDigest(engine.digest());
}

} // namespace verpmail
