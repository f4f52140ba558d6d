#include "verpmail/mail/CampaignId.h"

namespace verpmail {

bool validCampaignId(std::string_view id)
{
    if (id.empty() || id.size() > 64)
        return false;
    // Spelled out rather than std::isalnum, whose answer for 8-bit bytes depends on
    // the locale.
    for (const char c : id) {
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool digit = c >= '0' && c <= '9';
        if (!letter && !digit && c != '.' && c != '_' && c != '-')
            return false;
    }
    return true;
}

} // namespace verpmail
