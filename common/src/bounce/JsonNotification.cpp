// JsonNotification: see the header. A document that is not JSON is salvaged from its
// whole parts; one that is JSON but not a notification is "not a notification".
#include "verpmail/bounce/JsonNotification.h"

#include "verpmail/bounce/TextScan.h"
#include "verpmail/util/JsonReader.h"

#include <array>
#include <utility>

namespace verpmail::bounce {

namespace {

// Relays that enforce the 998-octet line limit split the one-line document with
// "!\n " (Sendmail's marker); joining those back gives the JSON again.
std::string unwrapLongLines(std::string_view text)
{
    static constexpr std::string_view kMarker = "!\n ";
    std::string out;
    out.reserve(text.size());
    std::size_t from = 0;
    for (std::size_t at = text.find(kMarker); at != std::string_view::npos; at = text.find(kMarker, from))
    {
        out.append(text.substr(from, at - from));
        from = at + kMarker.size();
    }
    out.append(text.substr(from));
    return out;
}

// Offset just after `"key"` and the colon that follows it, or npos.
std::size_t afterKey(std::string_view json, std::string_view key)
{
    const std::string quoted = "\"" + std::string(key) + "\"";
    for (std::size_t at = json.find(quoted); at != std::string_view::npos; at = json.find(quoted, at + 1))
    {
        std::size_t i = at + quoted.size();
        while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t'))
            ++i;
        if (i < json.size() && json[i] == ':')
        {
            ++i;
            while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t'))
                ++i;
            return i;
        }
    }
    return std::string_view::npos;
}

// The complete {...} value of `"key"`, matched with string escapes in mind, or "".
std::string_view objectAfterKey(std::string_view json, std::string_view key)
{
    const std::size_t start = afterKey(json, key);
    if (start == std::string_view::npos || start >= json.size() || json[start] != '{')
        return {};
    int depth = 0;
    bool inString = false;
    for (std::size_t i = start; i < json.size(); ++i)
    {
        const char c = json[i];
        if (inString)
        {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        }
        else if (c == '"')
            inString = true;
        else if (c == '{')
            ++depth;
        else if (c == '}' && --depth == 0)
            return json.substr(start, i - start + 1);
    }
    return {};
}

// The simple string value of `"key"` as written (escapes not decoded), or "".
std::string_view stringAfterKey(std::string_view json, std::string_view key)
{
    const std::size_t start = afterKey(json, key);
    if (start == std::string_view::npos || start >= json.size() || json[start] != '"')
        return {};
    const std::size_t end = json.find('"', start + 1);
    if (end == std::string_view::npos || end - start > 1000)
        return {};
    return json.substr(start + 1, end - start - 1);
}

// A value read as text: a string's own; a number or literal as written (Poco
// printed numbers its own way: no ESP sends them where text is read); "" for null,
// nothing, or an array or object, which hold no one text (Poco printed them as
// indented JSON, which no field could use: an address of a whole object, say).
std::string_view valueText(JsonValue value)
{
    switch (value.kind())
    {
    case JsonKind::String: return value.string();
    case JsonKind::Number:
    case JsonKind::True:
    case JsonKind::False: return value.source();
    default: return {};
    }
}

std::string_view text(JsonValue object, std::string_view key)
{
    return valueText(object.member(key));
}

// What the results are read from, whether the document was whole or salvaged. The
// parts are Missing, or not objects, when the event lacks them; their lookups then
// find nothing.
struct Event
{
    std::string_view type; // notificationType, or eventType when that is empty
    JsonValue bounce;
    JsonValue complaint;
    JsonValue delivery;
    std::string_view source; // mail.source: the sending envelope
};

Event readEvent(JsonValue object)
{
    Event event;
    event.type = text(object, "notificationType");
    if (event.type.empty())
        event.type = text(object, "eventType");
    event.bounce = object.member("bounce");
    event.complaint = object.member("complaint");
    event.delivery = object.member("delivery");
    event.source = text(object.member("mail"), "source");
    return event;
}

// A notification cut short (SNS truncates long ones; a relay may drop the tail):
// rebuild the event from the parts that are still whole, each read into one of
// parts. False when such a part is not JSON after all.
bool salvage(std::string_view json, std::array<JsonDocument, 4>& parts, Event& event)
{
    event.type = stringAfterKey(json, "notificationType");
    if (event.type.empty())
        event.type = stringAfterKey(json, "eventType");
    JsonValue mail;
    const std::array<std::pair<const char*, JsonValue*>, 4> wanted{
        {{"bounce", &event.bounce}, {"complaint", &event.complaint}, {"delivery", &event.delivery}, {"mail", &mail}}};
    for (std::size_t i = 0; i < wanted.size(); ++i)
    {
        const std::string_view object = objectAfterKey(json, wanted[i].first);
        if (object.empty())
            continue;
        if (!parts[i].parse(object))
            return false;
        *wanted[i].second = parts[i].root();
    }
    event.source = mail.isMissing() ? stringAfterKey(json, "source") : text(mail, "source");
    return true;
}

} // namespace

bool readJsonNotification(std::string_view input, const ParseLimits& limits, ParsedReturn& r)
{
    if (input.find("Type\"") == std::string_view::npos)
        return false;
    // Most notifications arrive whole: copy only one a relay has split.
    std::string unwrapped;
    std::string_view body = input;
    if (input.find("!\n ") != std::string_view::npos)
    {
        unwrapped = unwrapLongLines(input);
        body = unwrapped;
    }
    // The JSON document is the first '{' ... last '}' of the body (SNS appends a footer).
    const std::size_t open = body.find('{');
    const std::size_t close = body.rfind('}');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
        body.substr(open, close - open).find("Type\"") == std::string_view::npos)
        return false;
    const std::string_view json = body.substr(open, close - open + 1);

    // The documents the event's values view: the whole, an SNS envelope's message,
    // or the salvaged parts.
    JsonDocument document;
    JsonDocument message;
    std::array<JsonDocument, 4> parts;
    Event event;
    if (document.parse(json) && document.root().isObject())
    {
        JsonValue object = document.root();
        const JsonValue envelopeMessage = object.member("Message");
        if (text(object, "Type") == "Notification" && !envelopeMessage.isMissing())
        {
            // The message is the event as a JSON string (or, rarely, as an object).
            if (envelopeMessage.isString())
            {
                if (!message.parse(envelopeMessage.string()))
                    return false;
                object = message.root();
            }
            else
            {
                object = envelopeMessage;
            }
            if (!object.isObject())
                return false;
        }
        event = readEvent(object);
    }
    else if (!salvage(json, parts, event))
    {
        return false;
    }

    std::vector<RecipientResult> results;
    ReturnKind kind = ReturnKind::Bounce;
    if (event.type == "Bounce")
    {
        const bool transient = text(event.bounce, "bounceType") == "Transient";
        for (const JsonValue item : event.bounce.member("bouncedRecipients").elements())
        {
            if (results.size() >= limits.maxRecipients)
                break;
            RecipientResult result;
            result.address = normaliseAddress(text(item, "emailAddress"));
            result.action = toLower(text(item, "action"));
            if (result.action.empty())
                result.action = transient ? "delayed" : "failed";
            result.status = findStatusCode(text(item, "status"));
            result.diagnostic = collapseSpace(text(item, "diagnosticCode"), 1000);
            if (result.diagnostic.empty())
                result.diagnostic = text(event.bounce, "bounceSubType");
            result.replyCode = findReplyCode(result.diagnostic);
            if (result.status.empty())
                result.status = findStatusCode(result.diagnostic);
            results.push_back(std::move(result));
        }
    }
    else if (event.type == "Complaint")
    {
        kind = ReturnKind::Complaint;
        r.feedbackType = toLower(text(event.complaint, "complaintFeedbackType"));
        for (const JsonValue item : event.complaint.member("complainedRecipients").elements())
        {
            if (results.size() >= limits.maxRecipients)
                break;
            RecipientResult result;
            result.address = normaliseAddress(text(item, "emailAddress"));
            results.push_back(std::move(result));
        }
        if (results.empty())
            results.emplace_back();
    }
    else if (event.type == "Delivery")
    {
        const std::string diagnostic = collapseSpace(text(event.delivery, "smtpResponse"), 1000);
        for (const JsonValue item : event.delivery.member("recipients").elements())
        {
            if (results.size() >= limits.maxRecipients)
                break;
            // A null recipient made Poco throw, and the notification unreadable: kept so.
            if (item.kind() == JsonKind::Null)
                return false;
            RecipientResult result;
            result.address = normaliseAddress(valueText(item));
            result.action = "delivered";
            result.diagnostic = diagnostic;
            results.push_back(std::move(result));
        }
    }
    else
    {
        return false;
    }
    if (results.empty())
        return false;
    const std::string source = normaliseAddress(event.source);
    if (!source.empty())
        r.verpCandidates.insert(r.verpCandidates.begin(), source);
    r.kind = kind;
    r.recipients = std::move(results);
    return true;
}

} // namespace verpmail::bounce
