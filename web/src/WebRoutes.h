// WebRoutes: which endpoint a request target names, and the methods each answers.
//
//   /unsubscribe/{list}/{token}   GET, HEAD (the confirm page), POST (one click)
//   /health                       GET, HEAD
//   /webhooks/sns                 POST (Amazon SNS deliveries of SES events)
//
// The target is split at '/' before each segment is percent-decoded, so an encoded
// slash never moves a boundary; a query string is ignored. Anything else (more or
// fewer segments, an empty one, a bad %-escape, a NUL) is Unknown. Never throws.
#pragma once

#include <string>
#include <string_view>

namespace verpmail::web {

struct Route
{
    enum class Kind
    {
        Unsubscribe,
        Health,
        SnsWebhook,
        Unknown,
    };
    Kind kind = Kind::Unknown;
    std::string list;   ///< Unsubscribe: decoded
    std::string token;  ///< Unsubscribe: decoded
};

Route routeOf(std::string_view target);

/// The Allow header of a route ("GET, HEAD, POST"); "" for Unknown.
const char* allowedMethods(Route::Kind kind);

/// True when `method` (case-sensitive, as RFC 9110 says) is one the route answers.
bool methodAllowed(Route::Kind kind, std::string_view method);

/// Decodes the %XX escapes of `text` into `out`; false for a bad escape or a NUL.
bool percentDecode(std::string_view text, std::string& out);

} // namespace verpmail::web
