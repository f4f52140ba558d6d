#include "ReturnJson.h"

#include "verpmail/util/Json.h"

namespace verpmail {

void appendReturnJson(std::string& out, const std::string& file, const ParsedReturn& parsed)
{
    JsonWriter j(out);
    j.beginObject().key("file").value(file).key("kind").value(toString(parsed.kind));
    j.key("recipients").beginArray();
    for (const RecipientResult& r : parsed.recipients) {
        j.beginObject()
            .key("address").value(r.address)
            .key("action").value(r.action)
            .key("status").value(r.status)
            .key("class").value(toString(r.bounceClass))
            .key("reason").value(r.reason)
            .key("diagnostic").value(r.diagnostic)
            .endObject();
    }
    j.endArray();
    if (!parsed.feedbackType.empty())
        j.key("feedback_type").value(parsed.feedbackType);
    if (!parsed.campaign.empty())
        j.key("campaign").value(parsed.campaign);
    if (!parsed.problem.empty())
        j.key("problem").value(parsed.problem);
    j.endObject();
}

} // namespace verpmail
