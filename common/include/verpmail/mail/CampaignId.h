// CampaignId: the one rule for a campaign id, shared by the sender (--campaign) and
// the bouncer (X-Verpmail-Campaign, DSN ENVID).
//
// A campaign id is 1-64 bytes of ASCII letters, digits, '.', '_' and '-'. The sender
// refuses any other id; a return that names one is stored without a campaign,
// because the column is ASCII and the text came from a stranger.
#pragma once

#include <string_view>

namespace verpmail {

/// True when `id` is a campaign id the sender could have issued.
bool validCampaignId(std::string_view id);

} // namespace verpmail
