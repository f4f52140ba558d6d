#include "WebHandlers.h"

#include "HealthAnswer.h"

#include "ClientAddress.h"
#include "ConsoleAssets.h"
#include "OneClickBody.h"
#include "UnsubscribePage.h"

#include "verpmail/mail/UnsubscribeToken.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <exception>

namespace verpmail::web {
namespace {

// Longer names are no list's (lists.name is VARCHAR(64)).
constexpr std::size_t kMaxListName = 64;

bool isPageRequest(const WebRequest& request)
{
    return request.method == "GET" || request.method == "HEAD";
}

/// The human text of a refusal on the HTML page, and its title.
struct Wording
{
    const char* title;
    const char* text;
};

Wording wordingFor(int status)
{
    switch (status) {
    case 429: return {"Too many requests", "Too many requests came from your address. Please try again in a minute."};
    case 503: return {"Try again later", "The list's database cannot be reached just now. Nothing has changed; please "
                                         "try again in a few minutes."};
    case 413: return {"Request too large", "The request was larger than this page accepts."};
    default: return {"Bad request", "The request could not be read. Nothing has changed."};
    }
}

/// The JSON error text of a refusal.
const char* messageFor(int status, const char* reason)
{
    switch (status) {
    case 404: return "not found";
    case 405: return "method not allowed";
    case 413: return "request body too large";
    case 429: return "too many requests";
    case 503: return "database unavailable, try again later";
    default: break;
    }
    return std::string_view(reason) == "no-one-click" ? "the body must hold List-Unsubscribe=One-Click"
                                                      : "incomplete request body";
}

} // namespace

WebHandlers::WebHandlers(MembershipDirectory& directory, TokenBuckets& limits, Poco::Logger& log, SnsWebhook* sns,
                         ApiHandlers* api)
    : _directory(directory), _limits(limits), _log(log), _sns(sns), _api(api)
{
}

WebAnswer WebHandlers::handle(const WebRequest& request) noexcept
{
    try {
        return dispatch(request);
    } catch (const std::exception& e) {
        try {
            _log.error("web: status=500 reason=internal-error detail=\"%s\" client=%s", printable(e.what(), 300),
                       request.client);
        } catch (...) {
            // Logging failed too (out of memory): the answer still goes out.
        }
    } catch (...) {
    }
    return jsonAnswer(500, R"({"error":"internal error","status":500})");
}

WebAnswer WebHandlers::dispatch(const WebRequest& request)
{
    const Route route = routeOf(request.target);
    // The webhook is not there while it is off: the same answer as any unknown path.
    if (route.kind == Route::Kind::Api && _api)
        return _api->handle(request);
    if (route.kind == Route::Kind::Unknown || route.kind == Route::Kind::Api ||
        (route.kind == Route::Kind::SnsWebhook && !_sns)) {
        _log.debug("web: status=404 reason=no-such-path path=\"%s\" client=%s", printable(request.target, 100),
                   request.client);
        return jsonError(404, "not found");
    }
    const bool console = route.kind == Route::Kind::Console || route.kind == Route::Kind::ConsoleRedirect;
    if (!methodAllowed(route.kind, request.method)) {
        WebAnswer answer = jsonError(405, "method not allowed");
        answer.headers.emplace_back("Allow", allowedMethods(route.kind));
        _log.debug("web: status=405 method=\"%s\" client=%s", printable(request.method, 20), request.client);
        return console ? withConsoleHeaders(std::move(answer)) : answer;
    }
    if (route.kind == Route::Kind::ConsoleRedirect)
        return consoleRedirect();
    if (route.kind == Route::Kind::Console)
        return consoleAnswer(route.asset, request.ifNoneMatch);
    if (route.kind == Route::Kind::Health)
        return health();
    if (route.kind == Route::Kind::SnsWebhook)
        return _sns->handle(request);
    return unsubscribe(route, request);
}

WebAnswer WebHandlers::unsubscribe(const Route& route, const WebRequest& request)
{
    const TokenBuckets::Decision rate = _limits.take(rateLimitKey(request.client), TokenBuckets::Clock::now());
    if (!rate.allowed)
        return withRetryAfter(refuse(route, request, 429, "rate-limited"), rate.retryAfterSeconds);
    if (request.body.status == RequestBody::Status::TooLarge)
        return refuse(route, request, 413, "body-too-large");
    if (request.body.status == RequestBody::Status::Incomplete)
        return refuse(route, request, 400, "body-incomplete");
    // The body is checked before the token: a POST that asks for nothing costs no query.
    if (request.method == "POST" && parseOneClick(request.contentType, request.body.bytes) != OneClick::Requested)
        return refuse(route, request, 400, "no-one-click");
    // Malformed tokens and names no list can have cost no query either.
    if (route.list.size() > kMaxListName || !UnsubscribeTokens::parse(route.token))
        return refuse(route, request, 404, "not-found");
    std::optional<Membership> member;
    try {
        member = _directory.byToken(route.token);
    } catch (const StoreUnavailable& e) {
        return unavailable(route, request, e);
    }
    // Forged, deleted, or another list's membership: one answer for all.
    if (!member || member->listName != route.list)
        return refuse(route, request, 404, "not-found");
    return isPageRequest(request) ? showPage(*member, request) : optOut(*member, request);
}

WebAnswer WebHandlers::showPage(const Membership& member, const WebRequest& request)
{
    // Out by the member's own wish (or a complaint) stays out; out by the bounce
    // policy can still be made an opt-out, so that page keeps the button.
    const bool out = !member.active && (member.inactiveReason == "unsubscribed" || member.inactiveReason == "complaint");
    _log.debug("web: action=page list=%s member=%s status=%s client=%s", printable(member.listName, 64),
               std::to_string(member.id), std::string(out ? "already-out" : "subscribed"), request.client);
    return htmlAnswer(200, out ? alreadyOutPage(member.listName, member.email)
                               : confirmPage(member.listName, member.email));
}

WebAnswer WebHandlers::optOut(const Membership& member, const WebRequest& request)
{
    const Route route{Route::Kind::Unsubscribe, member.listName, ""};
    OptOut result = OptOut::NoSuchMembership;
    try {
        result = _directory.unsubscribe(member.id, "web " + request.client, "one-click");
    } catch (const StoreUnavailable& e) {
        return unavailable(route, request, e);
    }
    // Deleted between the lookup and the update: as if it had never been there.
    if (result == OptOut::NoSuchMembership)
        return refuse(route, request, 404, "not-found");
    const bool already = result == OptOut::AlreadyOut;
    _log.information("web: action=unsubscribe list=%s member=%s status=%s client=%s", printable(member.listName, 64),
                     std::to_string(member.id), std::string(already ? "already-out" : "unsubscribed"),
                     request.client);
    return htmlAnswer(200, unsubscribedPage(member.listName, member.email, already));
}

WebAnswer WebHandlers::health()
{
    return healthAnswer([this] { _directory.ping(); }, _log, "action=health", kRetryAfterUnavailable);
}

WebAnswer WebHandlers::refuse(const Route& route, const WebRequest& request, int status, const char* reason)
{
    _log.information("web: action=unsubscribe method=%s list=%s status=%d reason=%s client=%s",
                     printable(request.method, 10), printable(route.list, 64), status, std::string(reason),
                     request.client);
    if (!isPageRequest(request))
        return jsonError(status, messageFor(status, reason));
    if (status == 404)
        return htmlAnswer(404, invalidLinkPage());
    const Wording words = wordingFor(status);
    return htmlAnswer(status, problemPage(words.title, words.text));
}

WebAnswer WebHandlers::unavailable(const Route& route, const WebRequest& request, const StoreUnavailable& e)
{
    const std::string line = "web: action=unsubscribe method=" + printable(request.method, 10) +
                             " list=" + printable(route.list, 64) + " status=503 reason=database-unavailable detail=\"" +
                             printable(e.what(), 300) + "\" client=" + request.client;
    if (e.transient())
        _log.warning(line);
    else
        _log.error(line);
    const Wording words = wordingFor(503);
    WebAnswer answer = isPageRequest(request) ? htmlAnswer(503, problemPage(words.title, words.text))
                                              : jsonError(503, messageFor(503, ""));
    return withRetryAfter(std::move(answer), kRetryAfterUnavailable);
}

} // namespace verpmail::web
