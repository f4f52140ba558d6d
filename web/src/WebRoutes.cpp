#include "WebRoutes.h"

#include <vector>

namespace verpmail::web {
namespace {

// Longer targets are no route of ours: a token is under 50 bytes, a list name 64;
// an API query two addresses of 254 bytes, each byte %-escaped at worst.
constexpr std::size_t kMaxTarget = 1024;
constexpr std::size_t kMaxApiTarget = 4096;

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

bool percentDecode(std::string_view text, std::string& out)
{
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size())
                return false;
            const int high = hexValue(text[i + 1]), low = hexValue(text[i + 2]);
            if (high < 0 || low < 0)
                return false;
            c = static_cast<char>(high * 16 + low);
            i += 2;
        }
        if (c == '\0')
            return false;
        out += c;
    }
    return true;
}

std::vector<std::string> pathSegments(std::string_view path)
{
    std::vector<std::string> out;
    if (path.empty() || path.front() != '/')
        return {};
    path.remove_prefix(1);
    while (true) {
        const std::size_t slash = path.find('/');
        std::string decoded;
        if (!percentDecode(path.substr(0, slash), decoded) || decoded.empty())
            return {};
        out.push_back(std::move(decoded));
        if (slash == std::string_view::npos)
            return out;
        path.remove_prefix(slash + 1);
    }
}

Route routeOf(std::string_view target)
{
    const std::size_t query = target.find_first_of("?#");
    const std::string_view path = target.substr(0, query);
    if ((path == "/api" || path.rfind("/api/", 0) == 0) && target.size() <= kMaxApiTarget)
        return Route{Route::Kind::Api, "", ""};
    if (target.size() > kMaxTarget)
        return {};
    const std::vector<std::string> parts = pathSegments(path);
    if (parts.size() == 1 && parts[0] == "health")
        return Route{Route::Kind::Health, "", ""};
    if (parts.size() == 2 && parts[0] == "webhooks" && parts[1] == "sns")
        return Route{Route::Kind::SnsWebhook, "", ""};
    if (parts.size() == 3 && parts[0] == "unsubscribe")
        return Route{Route::Kind::Unsubscribe, parts[1], parts[2]};
    if (path == "/console")
        return Route{Route::Kind::ConsoleRedirect, "", ""};
    if (path == "/console/")
        return Route{Route::Kind::Console, "", "", "index.html"};
    // One segment after /console/, whatever it decodes to: ConsoleAssets serves only
    // the names it embeds, so "..", "a/b" (from %2F) and the like are simply 404.
    if (parts.size() == 2 && parts[0] == "console")
        return Route{Route::Kind::Console, "", "", parts[1]};
    return {};
}

const char* allowedMethods(Route::Kind kind)
{
    switch (kind) {
    case Route::Kind::Unsubscribe: return "GET, HEAD, POST";
    case Route::Kind::Health: return "GET, HEAD";
    case Route::Kind::SnsWebhook: return "POST";
    case Route::Kind::Api: return "";  // per endpoint: apiAllowedMethods
    case Route::Kind::ConsoleRedirect: return "GET, HEAD";
    case Route::Kind::Console: return "GET, HEAD";
    case Route::Kind::Unknown: return "";
    }
    return "";
}

bool methodAllowed(Route::Kind kind, std::string_view method)
{
    if (kind == Route::Kind::Unknown)
        return false;
    if (kind == Route::Kind::Api)
        return true;  // per endpoint: ApiHandlers
    if (kind == Route::Kind::SnsWebhook)
        return method == "POST";
    if (method == "GET" || method == "HEAD")
        return true;
    return kind == Route::Kind::Unsubscribe && method == "POST";
}

} // namespace verpmail::web
