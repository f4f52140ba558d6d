#include "ConsoleAssets.h"

#include <string>

namespace verpmail::web {
namespace {

bool endsWith(std::string_view text, std::string_view tail)
{
    return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

/// Whether an If-None-Match value (a list of quoted tags, or *) names `etag`.
bool matches(std::string_view ifNoneMatch, std::string_view etag)
{
    if (ifNoneMatch.find('*') != std::string_view::npos)
        return true;
    // A weak W/"x" compares equal to "x" for a GET (RFC 9110 13.1.2).
    return ifNoneMatch.find(etag) != std::string_view::npos;
}

} // namespace

const EmbeddedFile* consoleFile(std::string_view name)
{
    for (const EmbeddedFile& file : embeddedConsoleFiles())
        if (name == file.name)
            return &file;
    return nullptr;
}

const char* consoleContentType(std::string_view name)
{
    if (endsWith(name, ".html"))
        return "text/html; charset=utf-8";
    if (endsWith(name, ".css"))
        return "text/css; charset=utf-8";
    if (endsWith(name, ".js"))
        return "text/javascript; charset=utf-8";
    if (endsWith(name, ".svg"))
        return "image/svg+xml";
    return "";
}

const std::vector<std::pair<std::string, std::string>>& consoleHeaders()
{
    // The page runs only its own files and talks only to this server; the API's
    // answers (addresses, diagnostics) are text the scripts put in with textContent,
    // and this policy is the second wall should one ever slip through as markup.
    static const std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Security-Policy",
         "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
         "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
        {"Cross-Origin-Opener-Policy", "same-origin"},
    };
    return headers;
}

WebAnswer withConsoleHeaders(WebAnswer answer)
{
    for (const auto& header : consoleHeaders())
        answer.headers.push_back(header);
    return answer;
}

WebAnswer consoleAnswer(std::string_view name, std::string_view ifNoneMatch)
{
    const EmbeddedFile* file = consoleFile(name);
    const char* type = consoleContentType(name);
    if (!file || !*type)
        return withConsoleHeaders(jsonError(404, "not found"));
    WebAnswer answer;
    answer.contentType = type;
    // no-cache: the browser asks each time, and an unchanged file costs a 304; a new
    // build's files are never mixed with an old one's.
    answer.headers.emplace_back("Cache-Control", "no-cache");
    answer.headers.emplace_back("ETag", file->etag);
    if (!ifNoneMatch.empty() && matches(ifNoneMatch, file->etag))
        answer.status = 304;
    else
        answer.body = std::string(file->body);
    return withConsoleHeaders(std::move(answer));
}

WebAnswer consoleRedirect()
{
    WebAnswer answer;
    answer.status = 301;
    answer.contentType = "text/plain; charset=utf-8";
    answer.body = "/console/\n";
    answer.headers.emplace_back("Location", "/console/");
    return withConsoleHeaders(std::move(answer));
}

} // namespace verpmail::web
