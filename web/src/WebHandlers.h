// WebHandlers: every decision verpmail-web makes about a request, as a function from
// a WebRequest to a WebAnswer.
//
//   WebHandlers handlers(directory, limits, log);
//   WebAnswer answer = handlers.handle(request);   // never throws
//
// /unsubscribe/{list}/{token}, in this order: the method (405 with Allow), the
// client's rate (429 with Retry-After), the body (413 beyond web.maxBodyBytes, 400
// when it ended early, and for a POST 400 without List-Unsubscribe=One-Click), the
// token (404 unless it is genuine and names a membership of {list}: one answer for
// every reason); then GET and HEAD show the page and change nothing, POST ends the
// membership (200, also when it had ended before). The checks that need no
// database come first. GET and HEAD get HTML answers, POST JSON errors. A database
// that cannot answer is 503 with Retry-After, and nothing has been acknowledged.
// /health: 200 or 503. /webhooks/sns: POST only (405 with Allow), answered by the
// SnsWebhook (SnsWebhook.h), not rate-limited per client; 404 like an unknown path
// while the webhook is off (web.sns.topicArns empty). /api/...: the JSON API
// (ApiHandlers.h), with its own checks. Anything else: 404.
//
// Log lines (key=value, untrusted text through printable()): one per opt-out,
// action=unsubscribe list= member= status=unsubscribed|already-out client=, at
// information; refusals at information with their status and reason; the database
// failing at warning (error when an operator must act); page views at debug.
#pragma once

#include "ApiHandlers.h"
#include "MembershipDirectory.h"
#include "SnsWebhook.h"
#include "TokenBuckets.h"
#include "WebExchange.h"
#include "WebRoutes.h"

#include <Poco/Logger.h>

namespace verpmail::web {

class WebHandlers
{
public:
    /// Seconds a client is asked to wait when the database is unavailable.
    static constexpr unsigned kRetryAfterUnavailable = 30;

    /// `sns`: the webhook, or null when it is off; `api`: the JSON API, or null (404).
    /// Everything must outlive the handlers.
    WebHandlers(MembershipDirectory& directory, TokenBuckets& limits, Poco::Logger& log, SnsWebhook* sns = nullptr,
                ApiHandlers* api = nullptr);

    WebAnswer handle(const WebRequest& request) noexcept;

private:
    WebAnswer dispatch(const WebRequest& request);
    WebAnswer unsubscribe(const Route& route, const WebRequest& request);
    WebAnswer showPage(const Membership& member, const WebRequest& request);
    WebAnswer optOut(const Membership& member, const WebRequest& request);
    WebAnswer health();
    /// Logs the refusal and answers it: HTML for a page request (GET, HEAD), JSON else.
    WebAnswer refuse(const Route& route, const WebRequest& request, int status, const char* reason);
    WebAnswer unavailable(const Route& route, const WebRequest& request, const StoreUnavailable& e);

    MembershipDirectory& _directory;
    TokenBuckets& _limits;
    Poco::Logger& _log;
    SnsWebhook* _sns;
    ApiHandlers* _api;
};

} // namespace verpmail::web
