// ConsoleAssets: the web console's files (web/assets/console/), compiled in by
// cmake/EmbedFiles.cmake, and the answers that serve them under /console/.
//
// Nothing is read from the file system: a name that is not one of the embedded files
// is a 404, so no path can reach outside them. Every console answer, refusals too,
// carries the console's strict headers (consoleHeaders below): its own scripts and
// styles only, no framing, no sniffing, no Referer.
#pragma once

#include "WebExchange.h"

#include <string_view>
#include <utility>
#include <vector>

namespace verpmail::web {

struct EmbeddedFile
{
    const char* name;       ///< "console.js": the file name, no directory
    const char* etag;       ///< "\"1f0c...\"": quoted, from the file's SHA-256
    std::string_view body;
};

/// Generated at build time (EmbedFiles.cmake, KIND=console).
const std::vector<EmbeddedFile>& embeddedConsoleFiles();

/// The file named `name`, or nullptr.
const EmbeddedFile* consoleFile(std::string_view name);

/// The Content-Type of a file by its extension; "" for an extension not served.
const char* consoleContentType(std::string_view name);

/// The headers of every console answer (Content-Security-Policy and the rest).
const std::vector<std::pair<std::string, std::string>>& consoleHeaders();

/// The answer to a GET or HEAD of /console/NAME ("index.html" for /console/):
/// 200 with ETag and Cache-Control: no-cache, 304 when `ifNoneMatch` names the
/// ETag, 404 for a name not embedded. With the console's headers.
WebAnswer consoleAnswer(std::string_view name, std::string_view ifNoneMatch);

/// 301 to /console/ (a browser at /console would resolve "console.js" against /).
WebAnswer consoleRedirect();

/// `answer` with the console's headers added (a refusal on a console path).
WebAnswer withConsoleHeaders(WebAnswer answer);

} // namespace verpmail::web
