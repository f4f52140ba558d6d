#include "Attribution.h"

#include "verpmail/mail/EmailAddress.h"

#include <algorithm>

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

std::vector<Attributed> attributeByContent(const VerpCodec& codec, const MemberLookup& isMember,
                                           const ParsedReturn& parsed)
{
    std::vector<Attributed> matches;
    if (parsed.kind != ReturnKind::Bounce)
        return matches;
    for (std::size_t i = 0; i < parsed.recipients.size(); ++i) {
        const RecipientResult& r = parsed.recipients[i];
        if (r.bounceClass != BounceClass::Hard && r.bounceClass != BounceClass::Soft &&
            r.bounceClass != BounceClass::Block)
            continue;
        const auto address = EmailAddress::parse(r.address);
        if (!address)
            continue;
        const std::string email = address->normalized();
        const bool seen = std::any_of(matches.begin(), matches.end(),
                                      [&](const Attributed& m) { return *m.who.email == email; });
        if (seen || !isMember(email))
            continue;
        // The member's own local part, for a tracker row the return may have to create.
        matches.push_back({Attribution{email, codec.localPart(*address), "content", ""}, i});
    }
    return matches;
}

std::vector<Attributed> attributeReturn(const VerpCodec& codec, const EncodedFromLookup& lookup,
                                        const MemberLookup& isMember, bool byContent,
                                        const std::string& envelopeRecipient,
                                        const std::vector<std::string>& candidates, const ParsedReturn& parsed)
{
    Attribution who = attribute(codec, lookup, envelopeRecipient, candidates);
    if (who.email || !byContent)
        return {{who, std::nullopt}};
    std::vector<Attributed> members = attributeByContent(codec, isMember, parsed);
    if (!members.empty())
        return members;
    who.problem += "; no member named as failed";
    return {{who, std::nullopt}};
}

} // namespace verpmail
