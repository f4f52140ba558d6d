#include "WebExchange.h"

#include "verpmail/util/Json.h"

namespace verpmail::web {

std::string WebAnswer::header(std::string_view name) const
{
    for (const auto& [key, value] : headers)
        if (key == name)
            return value;
    return "";
}

WebAnswer jsonError(int status, std::string_view message)
{
    WebAnswer answer;
    answer.status = status;
    answer.contentType = kJsonType;
    JsonWriter json(answer.body);
    json.beginObject().key("error").value(message).key("status").value(status).endObject();
    return answer;
}

WebAnswer jsonAnswer(int status, std::string body)
{
    WebAnswer answer;
    answer.status = status;
    answer.contentType = kJsonType;
    answer.body = std::move(body);
    return answer;
}

WebAnswer htmlAnswer(int status, std::string html)
{
    WebAnswer answer;
    answer.status = status;
    answer.contentType = kHtmlType;
    answer.body = std::move(html);
    return answer;
}

WebAnswer withRetryAfter(WebAnswer answer, unsigned seconds)
{
    answer.headers.emplace_back("Retry-After", std::to_string(seconds));
    return answer;
}

} // namespace verpmail::web
