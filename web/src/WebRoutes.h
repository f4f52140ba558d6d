// WebRoutes: which endpoint a request target names, and the methods each answers.
//
//   /unsubscribe/{list}/{token}   GET, HEAD (the confirm page), POST (one click)
//   /health                       GET, HEAD
//   /webhooks/sns                 POST (Amazon SNS deliveries of SES events)
//   /api/...                      the JSON API: ApiRoutes.h
//   /console                      GET, HEAD: a redirect to /console/
//   /console/ and /console/{file} GET, HEAD: the web console (ConsoleAssets.h)
//
// The target is split at '/' before each segment is percent-decoded, so an encoded
// slash never moves a boundary; a query string is ignored. Anything else (more or
// fewer segments, an empty one, a bad %-escape, a NUL) is Unknown. Never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace verpmail::web {

struct Route
{
    enum class Kind
    {
        Unsubscribe,
        Health,
        SnsWebhook,
        Api,  ///< anything under /api/ (ApiRoutes.h decides)
        ConsoleRedirect,  ///< /console
        Console,          ///< /console/ (asset index.html) and /console/{asset}
        Unknown,
    };
    Kind kind = Kind::Unknown;
    std::string list;   ///< Unsubscribe: decoded
    std::string token;  ///< Unsubscribe: decoded
    std::string asset{};  ///< Console: the decoded file name (one segment, maybe no such file)
};

Route routeOf(std::string_view target);

/// The Allow header of a route ("GET, HEAD, POST"); "" for Unknown.
const char* allowedMethods(Route::Kind kind);

/// True when `method` (case-sensitive, as RFC 9110 says) is one the route answers.
bool methodAllowed(Route::Kind kind, std::string_view method);

/// The decoded segments of `path` ("/a/b%2Fc" is {"a", "b/c"}), or an empty vector
/// when one is empty or cannot be decoded, or the path does not start with '/'.
std::vector<std::string> pathSegments(std::string_view path);

/// Decodes the %XX escapes of `text` into `out`; false for a bad escape or a NUL.
bool percentDecode(std::string_view text, std::string& out);

} // namespace verpmail::web
