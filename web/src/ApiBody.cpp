#include "ApiBody.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>

namespace verpmail::web {
namespace {

/// The body as a JSON object, or null for anything else.
Poco::JSON::Object::Ptr objectOf(const std::string& body)
{
    try {
        Poco::JSON::Parser parser;
        const Poco::Dynamic::Var value = parser.parse(body);
        if (value.type() != typeid(Poco::JSON::Object::Ptr))
            return nullptr;
        return value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return nullptr;
    } catch (const std::exception&) {
        return nullptr;
    }
}

bool blank(const std::string& body)
{
    return std::all_of(body.begin(), body.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

} // namespace

OnOffBody parseOnOffBody(const std::string& body)
{
    const Poco::JSON::Object::Ptr object = objectOf(body);
    if (!object)
        return {std::nullopt, "the body must be a JSON object"};
    if (object->size() != 1 || !object->has("on"))
        return {std::nullopt, "the body must be {\"on\": true} or {\"on\": false}"};
    const Poco::Dynamic::Var on = object->get("on");
    if (on.type() != typeid(bool))
        return {std::nullopt, "\"on\" must be true or false"};
    return {on.extract<bool>(), ""};
}

TokenBody parseTokenBody(const std::string& body)
{
    TokenBody out;
    const Poco::JSON::Object::Ptr object = objectOf(body);
    if (!object) {
        out.error = "the body must be a JSON object";
        return out;
    }
    if (object->size() != 2 || !object->has("name") || !object->has("role")) {
        out.error = "the body must be {\"name\": ..., \"role\": ...}";
        return out;
    }
    const Poco::Dynamic::Var name = object->get("name"), role = object->get("role");
    if (name.type() != typeid(std::string) || !validApiTokenName(name.extract<std::string>())) {
        out.error = "name must be 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit";
        return out;
    }
    const std::optional<ApiRole> parsedRole =
        role.type() == typeid(std::string) ? parseApiRole(role.extract<std::string>()) : std::nullopt;
    if (!parsedRole) {
        out.error = "role must be viewer, operator or admin";
        return out;
    }
    out.ok = true;
    out.name = name.extract<std::string>();
    out.role = *parsedRole;
    return out;
}

bool emptyBody(const std::string& body)
{
    if (blank(body))
        return true;
    const Poco::JSON::Object::Ptr object = objectOf(body);
    return object && object->size() == 0;
}

} // namespace verpmail::web
