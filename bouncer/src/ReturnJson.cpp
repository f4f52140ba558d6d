#include "ReturnJson.h"

#include "verpmail/util/Json.h"

namespace verpmail {

void appendReturnJson(std::string& out, std::string_view file, const ParsedReturn& parsed)
{
    JsonWriter json(out);
    json.beginObject().key("file").value(file).key("kind").value(toString(parsed.kind));
    json.key("recipients").beginArray();
    for (const RecipientResult& r : parsed.recipients) {
        json.beginObject().key("address").value(r.address).key("action").value(r.action);
        json.key("status").value(r.status).key("class").value(toString(r.bounceClass));
        json.key("reason").value(r.reason).key("diagnostic").value(r.diagnostic).endObject();
    }
    json.endArray();
    if (!parsed.feedbackType.empty())
        json.key("feedback_type").value(parsed.feedbackType);
    if (!parsed.campaign.empty())
        json.key("campaign").value(parsed.campaign);
    if (!parsed.problem.empty())
        json.key("problem").value(parsed.problem);
    json.endObject();
}

} // namespace verpmail
