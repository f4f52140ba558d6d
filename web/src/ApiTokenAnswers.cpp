// ApiHandlers' token endpoints (admin): GET /api/v1/tokens, POST /api/v1/tokens,
// DELETE /api/v1/tokens/{name}. A token is in the answer to its creation only; it is
// never logged, nor listed.
#include "ApiBody.h"
#include "ApiHandlers.h"

#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

namespace verpmail::web {
namespace {

void writeTokenFields(JsonWriter& json, const ApiTokenInfo& t)
{
    json.key("name").value(t.name)
        .key("role").value(apiRoleName(t.role))
        .key("created_at").value(t.createdAt)
        .key("created_by").value(t.createdBy)
        .key("revoked_at");
    if (t.revokedAt.empty())
        json.null();
    else
        json.value(t.revokedAt);
}

} // namespace

WebAnswer ApiHandlers::tokens(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who)
{
    if (!route.query.empty())
        return refuse(route, request, 400, "bad-parameter", "no parameters are accepted");
    if (route.kind == ApiRoute::Kind::Token)
        return revokeToken(route, request, who);
    if (request.method == "POST")
        return createToken(route, request, who);
    std::string body;
    JsonWriter json(body);
    json.beginObject().key("tokens").beginArray();
    for (const ApiTokenInfo& t : _data.tokens()) {
        json.beginObject();
        writeTokenFields(json, t);
        json.endObject();
    }
    json.endArray().endObject();
    return jsonAnswer(200, std::move(body));
}

WebAnswer ApiHandlers::createToken(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who)
{
    const TokenBody wanted = parseTokenBody(request.body.bytes);
    if (!wanted.ok)
        return refuse(route, request, 400, "bad-body", wanted.error);
    const TokenCreation created = _data.createToken(wanted.name, wanted.role, "api:" + who.name);
    if (created.outcome == TokenCreation::Outcome::NameTaken)
        return refuse(route, request, 409, "name-taken", "a token with this name exists (revoked ones keep their name)");
    _log.information("web: api action=token-create name=%s role=%s token=%s client=%s", wanted.name,
                     std::string(apiRoleName(wanted.role)), who.name, request.client);
    std::string body;
    JsonWriter json(body);
    json.beginObject();
    writeTokenFields(json, created.made.info);
    json.key("token").value(created.made.token).endObject();
    return jsonAnswer(201, std::move(body));
}

WebAnswer ApiHandlers::revokeToken(const ApiRoute& route, const WebRequest& request, const ApiTokenInfo& who)
{
    if (!emptyBody(request.body.bytes))
        return refuse(route, request, 400, "bad-body", "the body must be empty or {}");
    if (!validApiTokenName(route.list) || !_data.revokeToken(route.list, "api:" + who.name))
        return refuse(route, request, 404, "no-such-token", "no valid token has this name");
    _log.information("web: api action=token-revoke name=%s token=%s client=%s", route.list, who.name,
                     request.client);
    std::string body;
    JsonWriter json(body);
    json.beginObject().key("name").value(route.list).key("revoked").value(true).endObject();
    return jsonAnswer(200, std::move(body));
}

} // namespace verpmail::web
