// WebExchange: a request and its answer as plain values.
//
// WebServer turns a Poco request into a WebRequest (the body already read, within
// its bound, and the client resolved), WebHandlers answers it with a WebAnswer, and
// WebServer writes that out. So every decision is made, and tested, without sockets.
#pragma once

#include "RequestBody.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace verpmail::web {

struct WebRequest
{
    std::string method;       ///< "GET", "POST", ... as sent
    std::string target;       ///< the request target: path and query, as sent
    std::string contentType;  ///< "" when none was given
    RequestBody body;
    std::string client;       ///< the client's address (ClientAddress.h)
    std::string snsMessageType{};  ///< x-amz-sns-message-type, "" when none was given
    std::string authorization{};   ///< the Authorization header, "" when none was given (never logged)
    std::string ifNoneMatch{};     ///< the If-None-Match header, "" when none was given
};

struct WebAnswer
{
    int status = 200;
    std::string contentType;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  ///< Allow, Retry-After, WWW-Authenticate, ETag, ...

    /// The value of header `name` (exact case), or "".
    std::string header(std::string_view name) const;
};

inline constexpr const char* kJsonType = "application/json";
inline constexpr const char* kHtmlType = "text/html; charset=utf-8";

/// {"error":"message","status":N}
WebAnswer jsonError(int status, std::string_view message);

WebAnswer htmlAnswer(int status, std::string html);

/// A JSON body already written (JsonWriter), with its status.
WebAnswer jsonAnswer(int status, std::string body);

/// The same answer with a Retry-After of `seconds`.
WebAnswer withRetryAfter(WebAnswer answer, unsigned seconds);

} // namespace verpmail::web
