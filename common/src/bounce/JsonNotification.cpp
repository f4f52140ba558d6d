// JsonNotification: see the header. A document that is not JSON is salvaged from its
// whole parts; one that is JSON but not a notification is "not a notification".
#include "verpmail/bounce/JsonNotification.h"

#include "verpmail/bounce/AddressScan.h"
#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/BounceClassifier.h"
#include "verpmail/bounce/Lines.h"
#include "verpmail/bounce/NonStandardFormats.h"
#include "verpmail/bounce/SmtpCodes.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <utility>

namespace verpmail::bounce {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

// Offset of the value of `"key"` (after the colon and blanks), or npos.
std::size_t afterKey(std::string_view json, std::string_view key)
{
    static constexpr std::string_view kBlank = " \n\t";
    const std::string quoted = "\"" + std::string(key) + "\"";
    for (std::size_t at = json.find(quoted); at != std::string_view::npos; at = json.find(quoted, at + 1))
    {
        const std::size_t colon = json.find_first_not_of(kBlank, at + quoted.size());
        if (colon != std::string_view::npos && json[colon] == ':')
            return json.find_first_not_of(kBlank, colon + 1);
    }
    return std::string_view::npos;
}

// The complete {...} value of `"key"`, matched with string escapes in mind, or "".
std::string_view objectAfterKey(std::string_view json, std::string_view key)
{
    const std::size_t start = afterKey(json, key);
    if (start == std::string_view::npos || json[start] != '{')
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
    if (start == std::string_view::npos || json[start] != '"')
        return {};
    const std::size_t end = json.find('"', start + 1);
    if (end == std::string_view::npos || end - start > 1000)
        return {};
    return json.substr(start + 1, end - start - 1);
}

// The object json holds, or null when it is not JSON or holds something else: Poco
// throws on malformed input (and extract on another type), which here is a plain
// "no", not an error.
Object::Ptr parseObject(std::string_view json)
{
    try
    {
        return Poco::JSON::Parser().parse(std::string(json)).extract<Object::Ptr>();
    }
    catch (const Poco::Exception&)
    {
        return {};
    }
}

// A value read as text: a string's own; a number or literal as Poco prints it (no
// ESP sends them where text is read); "" for null, nothing, or an array or object,
// which hold no one text (an address of a whole object, say).
std::string valueText(const Var& value)
{
    return value.isString() || value.isNumeric() || value.isBoolean() ? value.toString() : std::string();
}

// The text of an object's member; "" when the object is null or lacks the key.
std::string text(const Object::Ptr& object, const std::string& key)
{
    return object ? valueText(object->get(key)) : std::string();
}

// An object's array member; null when the object is null or the member no array.
Array::Ptr arrayOf(const Object::Ptr& object, const std::string& key)
{
    return object ? object->getArray(key) : Array::Ptr();
}

// How many elements of a list give results: all of them, up to the limit.
unsigned countOf(const Array::Ptr& list, const ParseLimits& limits)
{
    return list ? static_cast<unsigned>(std::min<std::size_t>(list->size(), limits.maxRecipients)) : 0;
}

// What the results are read from, whether the document was whole or salvaged. The
// parts are null when the event lacks them (or they are not objects); their
// lookups then find nothing.
struct Event
{
    std::string type; // notificationType, or eventType when that is empty
    Object::Ptr bounce;
    Object::Ptr complaint;
    Object::Ptr delivery;
    std::string source; // mail.source: the sending envelope
};

// A notification cut short (SNS truncates long ones; a relay may drop the tail):
// rebuild the event from the parts that are still whole. False when such a part is
// not JSON after all.
bool salvage(std::string_view json, Event& event)
{
    event.type = std::string(stringAfterKey(json, "notificationType"));
    if (event.type.empty())
        event.type = std::string(stringAfterKey(json, "eventType"));
    Object::Ptr mail;
    const std::pair<const char*, Object::Ptr*> wanted[] = {
        {"bounce", &event.bounce}, {"complaint", &event.complaint}, {"delivery", &event.delivery}, {"mail", &mail}};
    for (const auto& [key, part] : wanted)
    {
        const std::string_view object = objectAfterKey(json, key);
        if (object.empty())
            continue;
        *part = parseObject(object);
        if (!*part)
            return false;
    }
    event.source = mail ? text(mail, "source") : std::string(stringAfterKey(json, "source"));
    return true;
}

// The event of a whole document: the object itself, or an SNS envelope's message
// (the event as a JSON string, or rarely as an object). False when the envelope's
// message is no object.
bool readWhole(const Object::Ptr& root, Event& event)
{
    Object::Ptr object = root;
    if (text(root, "Type") == "Notification" && root->has("Message"))
    {
        const Var message = root->get("Message");
        object = message.isString() ? parseObject(message.extract<std::string>()) : root->getObject("Message");
        if (!object)
            return false;
    }
    event.type = text(object, "notificationType");
    if (event.type.empty())
        event.type = text(object, "eventType");
    event.bounce = object->getObject("bounce");
    event.complaint = object->getObject("complaint");
    event.delivery = object->getObject("delivery");
    event.source = text(object->getObject("mail"), "source");
    return true;
}

// What SES's bounce type and subtype mean (AWS documents both): a Permanent bounce of
// a known subtype is a dead address, a Transient or Undetermined one never is. ""
// leaves the reason to the classifier (no type, or a subtype SES does not document).
std::string sesReason(std::string_view type, std::string_view subType, const RecipientResult& result)
{
    static const std::pair<std::string_view, std::string_view> meanings[] = {
        {"Permanent/General", "userunknown"},       {"Permanent/NoEmail", "userunknown"},
        {"Permanent/Suppressed", "suppressed"},     {"Permanent/OnAccountSuppressionList", "suppressed"},
        {"Transient/MailboxFull", "mailboxfull"},   {"Transient/MessageTooLarge", "mesgtoobig"},
        {"Transient/ContentRejected", "spamdetected"}, {"Transient/AttachmentRejected", "policyviolation"}};
    const std::string key = std::string(type) + "/" + std::string(subType);
    for (const auto& [typeAndSubType, reason] : meanings)
        if (key == typeAndSubType)
            return std::string(reason);
    if (type == "Undetermined")
        return "onhold";
    if (type != "Transient")
        return {};
    // A Transient bounce of another subtype: the text may say why, never that the address is dead.
    std::string reason = classify(ReturnKind::Bounce, result).reason;
    return classOfReason(reason, result.status) == BounceClass::Hard ? "onhold" : reason;
}

// The results of an event into found (kind, feedbackType, recipients): one per
// recipient of a Bounce, Complaint or Delivery event, up to the limit. False when
// the event is none of those, or unreadable.
bool readResults(const Event& event, const ParseLimits& limits, ParsedReturn& found)
{
    std::vector<RecipientResult>& results = found.recipients;
    found.kind = ReturnKind::Bounce; // and Delivery's; a Complaint says otherwise
    if (event.type == "Bounce")
    {
        const std::string type = text(event.bounce, "bounceType"), subType = text(event.bounce, "bounceSubType");
        const Array::Ptr list = arrayOf(event.bounce, "bouncedRecipients");
        for (unsigned i = 0; i < countOf(list, limits); ++i)
        {
            const Object::Ptr item = list->getObject(i);
            RecipientResult result;
            result.address = normaliseAddress(text(item, "emailAddress"));
            result.action = toLower(text(item, "action"));
            if (result.action.empty())
                result.action = "failed";   // SES reports a bounce once it has stopped trying
            result.status = findStatusCode(text(item, "status"));
            result.diagnostic = collapseSpace(text(item, "diagnosticCode"), 1000);
            if (result.diagnostic.empty())
                result.diagnostic = subType;
            fillCodesFromText(result);
            result.reason = sesReason(type, subType, result);
            results.push_back(std::move(result));
        }
        return true;
    }
    if (event.type == "Complaint")
    {
        found.kind = ReturnKind::Complaint;
        found.feedbackType = toLower(text(event.complaint, "complaintFeedbackType"));
        const Array::Ptr list = arrayOf(event.complaint, "complainedRecipients");
        for (unsigned i = 0; i < countOf(list, limits); ++i)
            results.emplace_back().address = normaliseAddress(text(list->getObject(i), "emailAddress"));
        if (results.empty())
            results.emplace_back();
        return true;
    }
    if (event.type == "Delivery")
    {
        const std::string diagnostic = collapseSpace(text(event.delivery, "smtpResponse"), 1000);
        const Array::Ptr list = arrayOf(event.delivery, "recipients");
        for (unsigned i = 0; i < countOf(list, limits); ++i)
        {
            const Var item = list->get(i);
            // A null recipient makes the notification unreadable (as it always has).
            if (item.isEmpty())
                return false;
            RecipientResult result;
            result.address = normaliseAddress(valueText(item));
            result.action = "delivered";
            result.diagnostic = diagnostic;
            results.push_back(std::move(result));
        }
        return true;
    }
    return false;
}

} // namespace

bool readJsonNotification(std::string_view input, const ParseLimits& limits, ParsedReturn& r)
{
    if (input.find("Type\"") == std::string_view::npos)
        return false;
    // Relays that enforce the 998-octet line limit split the one-line document with
    // "!\n " (Sendmail's marker); joining those back gives the JSON again. Most
    // notifications arrive whole: copy only one a relay has split.
    std::string unwrapped;
    std::string_view body = input;
    if (input.find("!\n ") != std::string_view::npos)
    {
        unwrapped = Poco::replace(std::string(input), "!\n ", "");
        body = unwrapped;
    }
    // The JSON document is the first '{' ... last '}' of the body (SNS appends a footer).
    const std::size_t open = body.find('{');
    const std::size_t close = body.rfind('}');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
        body.substr(open, close - open).find("Type\"") == std::string_view::npos)
        return false;
    const std::string_view json = body.substr(open, close - open + 1);

    Event event;
    const Object::Ptr root = parseObject(json);
    if (root ? !readWhole(root, event) : !salvage(json, event))
        return false;

    ParsedReturn found;
    if (!readResults(event, limits, found) || found.recipients.empty())
        return false;
    const std::string source = normaliseAddress(event.source);
    if (!source.empty())
        r.verpCandidates.insert(r.verpCandidates.begin(), source);
    r.kind = found.kind;
    if (found.kind == ReturnKind::Complaint)
        r.feedbackType = std::move(found.feedbackType);
    r.recipients = std::move(found.recipients);
    return true;
}

} // namespace verpmail::bounce
