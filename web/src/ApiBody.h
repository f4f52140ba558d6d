// ApiBody: the JSON bodies the API accepts, read with Poco::JSON and checked
// strictly: an object with exactly the fields asked for, of their types; nothing
// else (another type, an unknown or missing field, bad JSON, trailing bytes) is
// accepted. Never throws.
//
//   POST members/{id}/ignore-bounces   {"on": true|false}
//   POST members/{id}/reset-bounces, unsubscribe, resubscribe: no body, or {}
//   POST tokens                        {"name": "1-64 of A-Za-z0-9._-", "role": "viewer|operator|admin"}
#pragma once

#include "verpmail/store/ApiTokenStore.h"

#include <optional>
#include <string>

namespace verpmail::web {

struct OnOffBody
{
    std::optional<bool> on;  ///< nullopt: `error` says why
    std::string error;
};

OnOffBody parseOnOffBody(const std::string& body);

struct TokenBody
{
    bool ok = false;  ///< false: `error` says why
    std::string name;
    ApiRole role = ApiRole::Viewer;
    std::string error;
};

TokenBody parseTokenBody(const std::string& body);

/// Whether `body` is empty (but for white space) or the empty object {}.
bool emptyBody(const std::string& body);

} // namespace verpmail::web
