// ApiHandlers: the JSON API under /api/v1 (ApiRoutes.h lists its endpoints).
//
//   ApiHandlers api(data, effectiveConfig(config), log);
//   WebAnswer answer = api.handle(request);   // WebHandlers calls it for /api/...
//
// In this order, the checks that need no database first: the path (404), the method
// (405 with Allow), the body (413 beyond web.maxBodyBytes), the bearer token (401
// with WWW-Authenticate: Bearer when it is missing, malformed, unknown or revoked:
// one answer for all), its role (403), the parameters and the body (400); then the
// answer: a change answers 200 with the audit detail and the member's new state, 404
// for an unknown member, 409 when reset or ignore find an address never mailed; a
// new token 201 with the token (the only time it is shown), 409 for a name taken;
// a revocation 200, 404 when no valid token has the name; a report 200 in the
// format asked for (JSON, CSV or HTML, as `verpmail-admin report` prints it), 404
// for an unknown campaign. A database that cannot answer is 503 with Retry-After.
// Every answer but a report in CSV or HTML is JSON; an error is
// {"error":"...","status":N}. Every call but health is charged to the client's
// bucket of web.api.rateLimit (its own, not the unsubscribe pages') after the method
// and before the token: 429 with Retry-After beyond it, so that guessing tokens
// costs the database little. A malformed token costs no query at all.
//
// Log lines (key=value; a token is never logged, its name is): each change at
// information (action= member= token= detail=), each read at debug,
// refusals at information with status and reason, the database at warning or error.
#pragma once

#include "ApiConfig.h"
#include "ApiData.h"
#include "ApiRoutes.h"
#include "TokenBuckets.h"
#include "WebExchange.h"

#include <Poco/Logger.h>

#include <vector>

namespace verpmail::web {

class ApiHandlers
{
public:
    /// Seconds a client is asked to wait when the database is unavailable.
    static constexpr unsigned kRetryAfterUnavailable = 30;

    /// `data`, `limits` (web.api.rateLimit) and `log` must outlive the handlers.
    ApiHandlers(ApiData& data, std::vector<ConfigEntry> config, TokenBuckets& limits, Poco::Logger& log);

    /// Answers a request whose target is under /api. Throws only what the data throws
    /// besides StoreUnavailable (WebHandlers answers 500).
    WebAnswer handle(const WebRequest& request);

private:
    WebAnswer answer(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who);
    WebAnswer health();
    /// The token's name and role, so that a console shows only what the role may do.
    static WebAnswer whoami(const ApiTokenInfo& who);
    WebAnswer config() const;
    WebAnswer lists();
    WebAnswer members(const ApiRoute& route, const WebRequest& request);
    /// GET members/{id}, its bounces or its decisions.
    WebAnswer memberView(const ApiRoute& route, const WebRequest& request);
    /// POST members/{id}/reset-bounces, ignore-bounces, unsubscribe, resubscribe.
    WebAnswer memberChange(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who);
    /// GET, POST tokens; DELETE tokens/{name} (ApiTokenAnswers.cpp).
    WebAnswer tokens(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who);
    WebAnswer createToken(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who);
    WebAnswer revokeToken(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who);
    /// GET reports/{name}, reports/campaign/{id}, campaigns, campaigns/{id} (ApiReports.cpp).
    WebAnswer report(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who);
    WebAnswer refuse(const ApiRoute& route, const WebRequest& request, int status, const char* reason,
                     const std::string& message);
    WebAnswer unavailable(const ApiRoute& route, const StoreUnavailable& e);

    ApiData& _data;
    const std::vector<ConfigEntry> _config;
    TokenBuckets& _limits;
    Poco::Logger& _log;
};

/// The token of an `Authorization: Bearer TOKEN` header (the scheme in any case,
/// one or more spaces); "" for anything else.
std::string bearerToken(const std::string& authorization);

} // namespace verpmail::web
