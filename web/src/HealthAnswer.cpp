#include "HealthAnswer.h"

#include "MembershipDirectory.h"

#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <string>

namespace verpmail::web {

WebAnswer healthAnswer(const std::function<void()>& ping, Poco::Logger& log, const char* logKeys,
                       unsigned retryAfterSeconds)
{
    WebAnswer answer = jsonAnswer(200, "");
    JsonWriter json(answer.body);
    try {
        ping();
        json.beginObject().key("status").value("ok").key("database").value("ok").endObject();
        return answer;
    } catch (const StoreUnavailable& e) {
        log.information("web: %s status=503 reason=database-unavailable detail=\"%s\"", std::string(logKeys),
                        printable(e.what(), 300));
    }
    answer.status = 503;
    json.beginObject().key("status").value("unavailable").key("database").value("unavailable").endObject();
    return withRetryAfter(std::move(answer), retryAfterSeconds);
}

} // namespace verpmail::web
