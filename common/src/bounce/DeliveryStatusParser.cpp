// DeliveryStatusParser: see the header.
#include "verpmail/bounce/DeliveryStatusParser.h"

#include "verpmail/bounce/AddressScan.h"
#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/Encodings.h"
#include "verpmail/bounce/Lines.h"
#include "verpmail/bounce/SmtpCodes.h"

#include <utility>

namespace verpmail::bounce {

namespace {

// "smtp; 550 ..." / "dns; mx.example.org": drop the type before the first ';'
// when it looks like one (a short token without spaces).
std::string_view dropType(std::string_view value)
{
    const std::size_t semi = value.find(';');
    if (semi == std::string_view::npos || semi > 16 ||
        trim(value.substr(0, semi)).find_first_of(" \t<@") != std::string_view::npos)
        return trim(value);
    return trim(value.substr(semi + 1));
}

enum class Field
{
    Other,
    FinalRecipient,
    OriginalRecipient,
    Action,
    Status,
    DiagnosticCode,
    RemoteMta,
    OriginalEnvelopeId,
};

// The field a name (case-blind) stands for.
Field fieldOf(std::string_view name)
{
    static const std::pair<std::string_view, Field> fields[] = {
        {"final-recipient", Field::FinalRecipient},
        {"original-recipient", Field::OriginalRecipient},
        {"action", Field::Action},
        {"status", Field::Status},
        {"diagnostic-code", Field::DiagnosticCode},
        {"remote-mta", Field::RemoteMta},
        {"original-envelope-id", Field::OriginalEnvelopeId},
    };
    for (const auto& [fieldName, field] : fields)
        if (iequals(name, fieldName))
            return field;
    return Field::Other;
}

// The fields as written, turned into what DsnRecipient promises.
void finish(DsnRecipient& r)
{
    const std::string finalRecipient = normaliseAddress(r.finalRecipient);
    r.finalRecipient = finalRecipient.empty() ? firstAddress(r.finalRecipient) : finalRecipient;
    const std::string originalRecipient = normaliseAddress(r.originalRecipient);
    r.originalRecipient = originalRecipient.empty() ? firstAddress(r.originalRecipient) : originalRecipient;
    const std::string_view withoutType = dropType(r.diagnosticCode);
    if (withoutType.size() < r.diagnosticCode.size())
    {
        const std::size_t semi = r.diagnosticCode.find(';');
        if (semi != std::string::npos)
            r.diagnosticType = toLower(trim(std::string_view(r.diagnosticCode).substr(0, semi)));
    }
    // Japanese MTAs write ISO-2022-JP here without declaring it (RFC 3464 wants ASCII).
    r.diagnosticCode = collapseDiagnostic(toUtf8(withoutType, ""), 1000);
    // "failed (bad address)": keep the keyword only.
    const std::string_view action = trim(r.action);
    r.action = std::string(action.substr(0, action.find_first_of(" \t(")));
}

// Stores a field's value as written (finish() reworks it); returns the string that
// continuation lines extend, or null where they are dropped.
std::string* storeField(Field field, std::string_view value, DsnRecipient& current, DeliveryStatus& result)
{
    switch (field)
    {
    case Field::FinalRecipient:
        current.finalRecipient.assign(value);
        return &current.finalRecipient;
    case Field::OriginalRecipient:
        current.originalRecipient.assign(value);
        return &current.originalRecipient;
    case Field::Action:
        current.action = toLower(value);
        return &current.action;
    case Field::Status:
        current.status = findStatusCode(value);
        return nullptr;
    case Field::DiagnosticCode:
        current.diagnosticCode.assign(value);
        return &current.diagnosticCode;
    case Field::RemoteMta:
        current.remoteMta.assign(dropType(value));
        return nullptr;
    case Field::OriginalEnvelopeId:
        result.originalEnvelopeId.assign(value);
        return nullptr;
    case Field::Other:
        return nullptr;
    }
    return nullptr;
}

} // namespace

DeliveryStatus parseDeliveryStatus(std::string_view text, const ParseLimits& limits)
{
    DeliveryStatus result;
    DsnRecipient current;
    // For folded continuation lines; null where they are dropped (unread fields).
    std::string* lastValue = nullptr;

    auto flush = [&]() {
        const bool hasRecipient = !current.finalRecipient.empty() || !current.originalRecipient.empty();
        if (hasRecipient && result.recipients.size() < limits.maxRecipients)
        {
            result.recipients.push_back(std::move(current));
            finish(result.recipients.back());
        }
        current = DsnRecipient();
        lastValue = nullptr;
    };

    LineReader lines(text);
    for (std::string_view line; lines.next(line);)
    {
        if (line.empty() || isSpace(line[0]))
        {
            const std::string_view trimmed = trim(line);
            if (trimmed.empty())
            {
                flush();
                continue;
            }
            if ((line[0] == ' ' || line[0] == '\t'))
            {
                if (lastValue && lastValue->size() < limits.maxHeaderBytes)
                {
                    lastValue->push_back(' ');
                    lastValue->append(trimmed.substr(0, limits.maxHeaderBytes));
                }
                continue;
            }
        }
        // A colon past the 64th byte does not count: look no further.
        const std::size_t colon = line.substr(0, 65).find(':');
        lastValue = nullptr;
        if (colon == std::string_view::npos || colon == 0)
            continue;
        const std::string_view name = trim(line.substr(0, colon));
        const std::string_view value = trim(line.substr(colon + 1)).substr(0, limits.maxHeaderBytes);
        const Field field = fieldOf(name);
        // A second Final-Recipient or Original-Recipient starts the next recipient.
        if ((field == Field::FinalRecipient && !current.finalRecipient.empty()) ||
            (field == Field::OriginalRecipient && !current.originalRecipient.empty()))
            flush();
        lastValue = storeField(field, value, current, result);
    }
    flush();
    return result;
}

bool looksLikeDeliveryStatus(std::string_view text)
{
    bool recipient = false;
    bool detail = false;
    LineReader lines(text);
    for (std::string_view line; lines.next(line) && !(recipient && detail);)
    {
        recipient = recipient || istartsWith(line, "Final-Recipient:") || istartsWith(line, "Original-Recipient:");
        detail = detail || istartsWith(line, "Action:") || istartsWith(line, "Status:") ||
                 istartsWith(line, "Diagnostic-Code:");
    }
    return recipient && detail;
}

} // namespace verpmail::bounce
