#include "ApiHandlers.h"

#include "HealthAnswer.h"

#include "ApiBody.h"
#include "ApiJson.h"
#include "ApiQuery.h"
#include "ClientAddress.h"

#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <cctype>

namespace verpmail::web {
namespace {

// Longer names are no list's (lists.name is VARCHAR(64)).
constexpr std::size_t kMaxListName = 64;

} // namespace

std::string bearerToken(const std::string& authorization)
{
    constexpr std::string_view kScheme = "bearer";
    if (authorization.size() <= kScheme.size())
        return "";
    for (std::size_t i = 0; i < kScheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i])
            return "";
    std::size_t start = kScheme.size();
    if (authorization[start] != ' ')
        return "";
    while (start < authorization.size() && authorization[start] == ' ')
        ++start;
    std::size_t end = authorization.size();
    while (end > start && authorization[end - 1] == ' ')
        --end;
    const std::string token = authorization.substr(start, end - start);
    return token.find(' ') == std::string::npos ? token : "";
}

ApiHandlers::ApiHandlers(ApiData& data, std::vector<ConfigEntry> config, TokenBuckets& limits, Poco::Logger& log)
    : _data(data), _config(std::move(config)), _limits(limits), _log(log)
{
}

WebAnswer ApiHandlers::handle(const WebRequest& request)
{
    const ApiRoute route = apiRouteOf(request.target);
    if (route.kind == ApiRoute::Kind::Unknown) {
        _log.debug("web: api status=404 reason=no-such-path path=\"%s\" client=%s", printable(request.target, 100),
                   request.client);
        return jsonError(404, "not found");
    }
    if (!apiMethodAllowed(route.kind, request.method)) {
        WebAnswer answer = refuse(route, request, 405, "method", "method not allowed");
        answer.headers.emplace_back("Allow", apiAllowedMethods(route.kind));
        return answer;
    }
    if (request.body.status == RequestBody::Status::TooLarge)
        return refuse(route, request, 413, "body-too-large", "request body too large");
    if (request.body.status == RequestBody::Status::Incomplete)
        return refuse(route, request, 400, "body-incomplete", "incomplete request body");
    const std::optional<ApiRole> needed = apiRoleNeeded(route.kind, request.method);
    if (!needed)
        return health();
    const TokenBuckets::Decision rate = _limits.take(rateLimitKey(request.client), TokenBuckets::Clock::now());
    if (!rate.allowed) {
        WebAnswer answer = refuse(route, request, 429, "rate-limited", "too many requests");
        answer.headers.emplace_back("Retry-After", std::to_string(rate.retryAfterSeconds));
        return answer;
    }
    const std::string bearer = bearerToken(request.authorization);
    std::optional<ApiTokenInfo> who;
    try {
        // A malformed token costs no query (ApiTokenStore::authenticate).
        if (apiTokenShape(bearer))
            who = _data.authenticate(bearer);
    } catch (const StoreUnavailable& e) {
        return unavailable(route, e);
    }
    if (!who) {
        WebAnswer answer = refuse(route, request, 401, request.authorization.empty() ? "no-token" : "bad-token",
                                  "a valid bearer token is needed");
        answer.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"verpmail\"");
        return answer;
    }
    if (!apiRoleAllows(who->role, *needed)) {
        _log.information("web: api route=%s token=%s role=%s status=403 reason=role client=%s",
                         std::string(apiRouteName(route.kind)), who->name, std::string(apiRoleName(who->role)),
                         request.client);
        return jsonError(403, std::string("this needs the role ") + apiRoleName(*needed));
    }
    try {
        return answer(route, request, *who);
    } catch (const StoreUnavailable& e) {
        return unavailable(route, e);
    }
}

WebAnswer ApiHandlers::answer(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who)
{
    _log.debug("web: api route=%s token=%s client=%s", std::string(apiRouteName(route.kind)), who.name,
               request.client);
    switch (route.kind) {
    case ApiRoute::Kind::Whoami: return whoami(who);
    case ApiRoute::Kind::Config: return config();
    case ApiRoute::Kind::Lists: return lists();
    case ApiRoute::Kind::ListMembers: return members(route, request);
    case ApiRoute::Kind::Member:
    case ApiRoute::Kind::MemberBounces:
    case ApiRoute::Kind::MemberDecisions: return memberView(route, request);
    case ApiRoute::Kind::MemberReset:
    case ApiRoute::Kind::MemberIgnore:
    case ApiRoute::Kind::MemberUnsubscribe:
    case ApiRoute::Kind::MemberResubscribe: return memberChange(route, request, who);
    case ApiRoute::Kind::Tokens:
    case ApiRoute::Kind::Token: return tokens(route, request, who);
    case ApiRoute::Kind::Report:
    case ApiRoute::Kind::CampaignReport:
    case ApiRoute::Kind::Campaigns:
    case ApiRoute::Kind::Campaign: return report(route, request, who);
    case ApiRoute::Kind::Health:
    case ApiRoute::Kind::Unknown: break;
    }
    return jsonError(404, "not found");
}

WebAnswer ApiHandlers::health()
{
    return healthAnswer([this] { _data.ping(); }, _log, "api route=health", kRetryAfterUnavailable);
}

WebAnswer ApiHandlers::whoami(const ApiTokenInfo& who)
{
    WebAnswer answer = jsonAnswer(200, "");
    JsonWriter json(answer.body);
    json.beginObject().key("name").value(who.name).key("role").value(apiRoleName(who.role)).endObject();
    return answer;
}

WebAnswer ApiHandlers::config() const
{
    WebAnswer answer = jsonAnswer(200, "");
    JsonWriter json(answer.body);
    json.beginObject().key("config").beginArray();
    for (const ConfigEntry& e : _config) {
        json.beginObject().key("key").value(e.key).key("value");
        writeOptional(json, e.value);
        json.key("default").value(e.isDefault);
        if (e.secret)
            json.key("secret").value(true);
        json.endObject();
    }
    json.endArray().endObject();
    return answer;
}

WebAnswer ApiHandlers::lists()
{
    const std::vector<ListSummary> all = _data.lists();
    WebAnswer answer = jsonAnswer(200, "");
    JsonWriter json(answer.body);
    json.beginObject().key("lists").beginArray();
    for (const ListSummary& l : all)
        json.beginObject()
            .key("id").value(l.id)
            .key("name").value(l.name)
            .key("from_address").value(l.fromAddress)
            .key("members").beginObject().key("active").value(l.active).key("inactive").value(l.inactive).endObject()
            .endObject();
    json.endArray().endObject();
    return answer;
}

WebAnswer ApiHandlers::members(const ApiRoute& route, const WebRequest& request)
{
    const MemberQuery query = parseMemberQuery(route.query);
    if (!query.filter)
        return refuse(route, request, 400, "bad-parameter", query.error);
    std::optional<std::vector<MemberRow>> rows;
    if (route.list.size() <= kMaxListName)
        rows = _data.members(route.list, *query.filter);
    if (!rows)
        return refuse(route, request, 404, "no-such-list", "no such list");
    const bool more = rows->size() > query.filter->limit;
    if (more)
        rows->resize(query.filter->limit);
    WebAnswer answer = jsonAnswer(200, "");
    JsonWriter json(answer.body);
    json.beginObject().key("list").value(route.list).key("members").beginArray();
    for (const MemberRow& m : *rows)
        writeMember(json, m);
    json.endArray().key("next");
    if (more)
        json.value(rows->back().email);
    else
        json.null();
    json.endObject();
    return answer;
}

WebAnswer ApiHandlers::memberView(const ApiRoute& route, const WebRequest& request)
{
    LimitQuery query{kDefaultPageSize, ""};
    if (route.kind != ApiRoute::Kind::Member)
        query = parseLimitQuery(route.query);
    else if (!route.query.empty())
        query = {std::nullopt, "no parameters are accepted"};
    if (!query.limit)
        return refuse(route, request, 400, "bad-parameter", query.error);
    const std::optional<MemberDetail> detail = _data.member(route.member);
    if (!detail)
        return refuse(route, request, 404, "no-such-member", "no such member");
    WebAnswer answer = jsonAnswer(200, "");
    JsonWriter json(answer.body);
    if (route.kind == ApiRoute::Kind::Member) {
        writeMemberDetail(json, *detail);
        return answer;
    }
    const std::string& email = detail->member.email;
    json.beginObject().key("member").value(route.member).key("email").value(email);
    if (route.kind == ApiRoute::Kind::MemberBounces) {
        json.key("bounces").beginArray();
        for (const BounceRow& b : _data.bounces(email, *query.limit))
            writeBounce(json, b);
    } else {
        json.key("decisions").beginArray();
        for (const DecisionRow& d : _data.decisions(email, *query.limit))
            writeDecision(json, d);
    }
    json.endArray().endObject();
    return answer;
}

WebAnswer ApiHandlers::memberChange(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who)
{
    using Kind = MemberChangeRequest::Kind;
    MemberChangeRequest change;
    change.actor = "api:" + who.name;
    if (!route.query.empty())
        return refuse(route, request, 400, "bad-parameter", "no parameters are accepted");
    if (route.kind == ApiRoute::Kind::MemberIgnore) {
        const OnOffBody body = parseOnOffBody(request.body.bytes);
        if (!body.on)
            return refuse(route, request, 400, "bad-body", body.error);
        change.kind = Kind::Ignore;
        change.on = *body.on;
    } else {
        if (!emptyBody(request.body.bytes))
            return refuse(route, request, 400, "bad-body", "the body must be empty or {}");
        change.kind = route.kind == ApiRoute::Kind::MemberReset         ? Kind::Reset
                      : route.kind == ApiRoute::Kind::MemberUnsubscribe ? Kind::Unsubscribe
                                                                        : Kind::Resubscribe;
    }
    const MemberChange result = _data.change(route.member, change);
    if (result.outcome == MemberChange::Outcome::NoSuchMember)
        return refuse(route, request, 404, "no-such-member", "no such member");
    if (result.outcome == MemberChange::Outcome::NeverMailed)
        return refuse(route, request, 409, "never-mailed", "the address was never mailed: it has nothing to change");
    _log.information("web: api action=%s member=%s token=%s detail=\"%s\" client=%s",
                     std::string(apiRouteName(route.kind)), std::to_string(route.member), who.name,
                     printable(result.detail, 300), request.client);
    WebAnswer answer = jsonAnswer(200, "");
    JsonWriter json(answer.body);
    json.beginObject().key("change").value(result.detail).key("member");
    if (result.after)
        writeMemberDetail(json, *result.after);
    else
        json.null();
    json.endObject();
    return answer;
}

WebAnswer ApiHandlers::refuse(const ApiRoute& route, const WebRequest& request, int status, const char* reason,
                              const std::string& message)
{
    _log.information("web: api route=%s method=%s status=%d reason=%s client=%s",
                     std::string(apiRouteName(route.kind)), printable(request.method, 10), status, std::string(reason),
                     request.client);
    return jsonError(status, message);
}

WebAnswer ApiHandlers::unavailable(const ApiRoute& route, const StoreUnavailable& e)
{
    const std::string line = std::string("web: api route=") + apiRouteName(route.kind) +
                             " status=503 reason=database-unavailable detail=\"" + printable(e.what(), 300) + "\"";
    if (e.transient())
        _log.warning(line);
    else
        _log.error(line);
    return withRetryAfter(jsonError(503, "database unavailable, try again later"), kRetryAfterUnavailable);
}

} // namespace verpmail::web
