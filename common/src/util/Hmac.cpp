#include "verpmail/util/Hmac.h"

#include <Poco/SHA2Engine.h>

#include <algorithm>

namespace verpmail {
namespace {

constexpr std::size_t kBlockSize = 64;  // SHA-256 block size in bytes

Sha256Digest finish(Poco::SHA2Engine& engine)
{
    const Poco::DigestEngine::Digest& d = engine.digest();
    Sha256Digest out{};
    std::copy_n(d.begin(), out.size(), out.begin());
    return out;
}

} // namespace

Sha256Digest sha256(std::string_view message)
{
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(message.data(), static_cast<unsigned>(message.size()));
    return finish(engine);
}

Sha256Digest hmacSha256(std::string_view key, std::string_view message)
{
    std::array<unsigned char, kBlockSize> block{};
    if (key.size() > kBlockSize) {
        const Sha256Digest hashed = sha256(key);
        std::copy(hashed.begin(), hashed.end(), block.begin());
    } else {
        std::copy(key.begin(), key.end(), block.begin());
    }

    std::array<unsigned char, kBlockSize> inner{};
    std::array<unsigned char, kBlockSize> outer{};
    for (std::size_t i = 0; i < kBlockSize; ++i) {
        inner[i] = static_cast<unsigned char>(block[i] ^ 0x36);
        outer[i] = static_cast<unsigned char>(block[i] ^ 0x5c);
    }

    Poco::SHA2Engine innerEngine(Poco::SHA2Engine::SHA_256);
    innerEngine.update(inner.data(), static_cast<unsigned>(inner.size()));
    innerEngine.update(message.data(), static_cast<unsigned>(message.size()));
    const Sha256Digest innerDigest = finish(innerEngine);

    Poco::SHA2Engine outerEngine(Poco::SHA2Engine::SHA_256);
    outerEngine.update(outer.data(), static_cast<unsigned>(outer.size()));
    outerEngine.update(innerDigest.data(), static_cast<unsigned>(innerDigest.size()));
    return finish(outerEngine);
}

} // namespace verpmail
