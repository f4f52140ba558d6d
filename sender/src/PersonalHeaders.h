// PersonalHeaders: the header fields written per recipient in front of the template's.
//
//   PersonalHeaderInputs in;  in.campaign = "c1"; in.address = "ann@example.net"; ...
//   PersonalHeaders h = buildPersonalHeaders(in);
//   std::string wire = messageTemplate.compose(h, personalization);
//
// Fields, in this order:
//   To                     formatMailbox(name, address)
//   Message-ID             <campaign.HEX20@listIdDomain>, HEX20 = first 20 hex digits of
//                          sha256(campaign "\n" normalizedAddress): stable per campaign and
//                          member, so a resend of the same campaign keeps its id
//   Date                   as given
//   List-Id                <list.listIdDomain> (RFC 2919)
//   List-Unsubscribe       <mailto:...>, <https://...> (RFC 2369), those that are set
//   List-Unsubscribe-Post  List-Unsubscribe=One-Click, only with an https URL (RFC 8058)
//   Feedback-ID            campaign:list:verpmail:senderTag (Gmail's a:b:c:SenderId; a ':'
//                          inside a part becomes '-'; the tag defaults to listIdDomain)
//   X-Verpmail-Campaign, X-Verpmail-Envelope
// Pure: no clock, no configuration. CR and LF in inputs become spaces.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace verpmail {

struct PersonalHeaders
{
    std::vector<std::pair<std::string, std::string>> fields;  ///< name, value (already encoded)
};

struct PersonalHeaderInputs
{
    std::string campaign;
    std::string listName;
    std::string listIdDomain;
    std::string address;            ///< as written, for To
    std::string normalizedAddress;  ///< for the Message-ID hash; "" means address
    std::string name;               ///< display name, "" for none
    std::string envelopeSender;     ///< the VERP address
    std::string unsubscribeUrl;     ///< filled in; "" for none
    std::string unsubscribeMailto;  ///< "mailto:..." or a bare address; "" for none
    std::string date;               ///< RFC 5322 date-time
    std::string feedbackSenderTag;  ///< "" means listIdDomain
};

PersonalHeaders buildPersonalHeaders(const PersonalHeaderInputs& in);

/// <campaign.HEX20@domain>, as in the header list above.
std::string personalMessageId(const std::string& campaign, const std::string& normalizedAddress,
                              const std::string& domain);

/// "mailto:" + target unless it already starts with "mailto:" (any case); "" stays "".
std::string mailtoUri(const std::string& target);

/// A header value holding a display name and an address: "Name" <addr>, with the name
/// RFC 2047-encoded when it is not plain ASCII.
std::string formatMailbox(const std::string& displayName, const std::string& address);

} // namespace verpmail
