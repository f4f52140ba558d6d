// ParsedReturn: names for logs and the database.
#include "verpmail/bounce/ParsedReturn.h"

namespace verpmail {

const char* toString(ReturnKind kind)
{
    switch (kind)
    {
    case ReturnKind::Bounce: return "bounce";
    case ReturnKind::Complaint: return "complaint";
    case ReturnKind::AutoReply: return "autoreply";
    case ReturnKind::Other: return "other";
    }
    return "other";
}

const char* toString(BounceClass bounceClass)
{
    switch (bounceClass)
    {
    case BounceClass::Hard: return "hard";
    case BounceClass::Soft: return "soft";
    case BounceClass::Block: return "block";
    case BounceClass::Complaint: return "complaint";
    case BounceClass::AutoReply: return "autoreply";
    case BounceClass::None: return "none";
    }
    return "none";
}

} // namespace verpmail
