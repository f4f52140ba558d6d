#include "Attribution.h"

namespace verpmail {
namespace {

std::optional<Attribution> tryAddress(const VerpCodec& codec, const EncodedFromLookup& lookup, const std::string& address,
                                      const char* via, std::string& problem)
{
    const VerpDecoded decoded = codec.decode(address);
    if (!decoded.ok) {
        if (problem.empty())
            problem = decoded.problem;
        return std::nullopt;
    }
    if (auto email = lookup(decoded.localPart))
        return Attribution{email, decoded.localPart, via, ""};
    // Plain decoding is trusted only in plain mode: in token mode anyone could forge
    // "prefix-victim=example.org" and get an address of their choosing suppressed.
    if (decoded.plainAddress && codec.settings().mode == VerpMode::Plain) {
        return Attribution{decoded.plainAddress->normalized(), decoded.localPart, "plain", ""};
    }
    if (problem.empty())
        problem = "no tracker row has EncodedFROM " + decoded.localPart;
    return std::nullopt;
}

} // namespace

bool isOurs(const VerpCodec& codec, const EncodedFromLookup& lookup, const std::string& recipient, std::string& why)
{
    std::string problem;
    if (tryAddress(codec, lookup, recipient, "encodedfrom", problem))
        return true;
    why = problem;
    return false;
}

Attribution attribute(const VerpCodec& codec, const EncodedFromLookup& lookup, const std::string& envelopeRecipient,
                      const std::vector<std::string>& candidates)
{
    std::string problem;
    if (auto found = tryAddress(codec, lookup, envelopeRecipient, "encodedfrom", problem))
        return *found;
    for (const std::string& candidate : candidates) {
        std::string ignored;
        if (auto found = tryAddress(codec, lookup, candidate, "original", ignored))
            return *found;
    }
    Attribution none;
    none.problem = problem.empty() ? "no VERP address found" : problem;
    return none;
}

} // namespace verpmail
