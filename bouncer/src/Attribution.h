// Attribution: finds the list member a return belongs to.
//
// In order: the envelope recipient Postfix called us with (its local part looked up
// as EncodedFROM, case-insensitively; then read as a plain VERP address); then the
// VERP addresses found inside the returned original (ARF reports often redact the
// recipient, and mailbox intake loses the envelope). The first that names an
// address wins. Nothing found is not an error: the return is stored unattributed.
// With bouncer.attribution = content, attributeByContent() then names the members a
// bounce lists as failed: forgeable, as anyone can send a "bounce" naming a member.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"
#include "verpmail/verp/VerpCodec.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace verpmail {

struct Attribution
{
    std::optional<std::string> email;  ///< normalised member address
    std::string encodedFrom;           ///< the VERP local part that named it
    std::string via;                   ///< "encodedfrom", "plain", "original" — for the log
    std::string problem;               ///< why nothing matched, when email is empty
};

/// The member behind a VERP local part (EncodedFROM), if there is one; it may throw
/// what its store throws (MysqlError).
using EncodedFromLookup = std::function<std::optional<std::string>(const std::string& localPart)>;

/// Whether `recipient` names a VERP address we issued: the lookup knows its local
/// part, or, in plain mode only, it decodes to an address. `why` says why not.
bool isOurs(const VerpCodec& codec, const EncodedFromLookup& lookup, const std::string& recipient, std::string& why);

Attribution attribute(const VerpCodec& codec, const EncodedFromLookup& lookup, const std::string& envelopeRecipient,
                      const std::vector<std::string>& candidates);

/// Whether a normalised address is a member of any list; it may throw what its
/// store throws (MysqlError).
using MemberLookup = std::function<bool(const std::string& email)>;

/// One row a return is recorded as: whom, and the index of the recipient result
/// that names them (nullopt: MessageProcessor chooses the result).
struct Attributed
{
    Attribution who;
    std::optional<std::size_t> index;
};

/// The members a bounce names as failed (hard, soft or block), each once, in the
/// return's order; via is "content". Nothing for complaints, auto-replies and other
/// returns: they may name whoever they like.
std::vector<Attributed> attributeByContent(const VerpCodec& codec, const MemberLookup& isMember,
                                           const ParsedReturn& parsed);

/// attribute(); when that names nobody and `byContent` (bouncer.attribution =
/// content), attributeByContent(). Never empty: one entry without an email is the
/// return stored unattributed.
std::vector<Attributed> attributeReturn(const VerpCodec& codec, const EncodedFromLookup& lookup,
                                        const MemberLookup& isMember, bool byContent,
                                        const std::string& envelopeRecipient,
                                        const std::vector<std::string>& candidates, const ParsedReturn& parsed);

} // namespace verpmail
