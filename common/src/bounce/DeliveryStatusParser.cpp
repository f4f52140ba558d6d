// DeliveryStatusParser: see the header.
#include "verpmail/bounce/DeliveryStatusParser.h"

#include "verpmail/bounce/Encodings.h"
#include "verpmail/bounce/TextScan.h"

namespace verpmail::bounce {

namespace {

// "smtp; 550 ..." / "dns; mx.example.org": drop the type before the first ';'
// when it looks like one (a short token without spaces).
std::string_view dropType(std::string_view value)
{
    const std::size_t semi = value.find(';');
    if (semi == std::string_view::npos || semi > 16)
        return trim(value);
    const std::string_view type = trim(value.substr(0, semi));
    if (type.find_first_of(" \t<@") != std::string_view::npos)
        return trim(value);
    return trim(value.substr(semi + 1));
}

bool hasRecipient(const DsnRecipient& r)
{
    return !r.rawFinalRecipient.empty() || !r.originalRecipient.empty();
}

} // namespace

DeliveryStatus parseDeliveryStatus(std::string_view text, const ParseLimits& limits)
{
    DeliveryStatus result;
    DsnRecipient current;
    bool currentStarted = false;
    std::string* lastValue = nullptr;   // for folded continuation lines

    auto flush = [&]() {
        if (currentStarted && hasRecipient(current) && result.recipients.size() < limits.maxRecipients)
            result.recipients.push_back(current);
        current = DsnRecipient();
        currentStarted = false;
        lastValue = nullptr;
    };

    std::string scratch;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);)
    {
        if (trim(line).empty())
        {
            flush();
            continue;
        }
        if ((line[0] == ' ' || line[0] == '\t'))
        {
            if (lastValue && lastValue->size() < limits.maxHeaderBytes)
            {
                lastValue->push_back(' ');
                lastValue->append(trim(line).substr(0, limits.maxHeaderBytes));
            }
            continue;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0 || colon > 64)
        {
            lastValue = nullptr;
            continue;
        }
        const std::string_view name = trim(line.substr(0, colon));
        const std::string_view value = trim(line.substr(colon + 1)).substr(0, limits.maxHeaderBytes);
        lastValue = &scratch;
        if (iequals(name, "final-recipient"))
        {
            if (!current.rawFinalRecipient.empty())
                flush();
            currentStarted = true;
            current.rawFinalRecipient = std::string(value);
            lastValue = &current.rawFinalRecipient;
        }
        else if (iequals(name, "original-recipient"))
        {
            if (!current.originalRecipient.empty())
                flush();
            currentStarted = true;
            current.originalRecipient = std::string(value);
            lastValue = &current.originalRecipient;
        }
        else if (iequals(name, "action"))
        {
            currentStarted = true;
            current.action = toLower(trim(value));
            lastValue = &current.action;
        }
        else if (iequals(name, "status"))
        {
            currentStarted = true;
            current.status = findStatusCode(value);
        }
        else if (iequals(name, "diagnostic-code"))
        {
            currentStarted = true;
            current.diagnosticCode = std::string(value);
            lastValue = &current.diagnosticCode;
        }
        else if (iequals(name, "remote-mta"))
        {
            currentStarted = true;
            current.remoteMta = std::string(dropType(value));
        }
        else if (iequals(name, "reporting-mta"))
        {
            result.reportingMta = std::string(dropType(value));
        }
        else if (iequals(name, "original-envelope-id"))
        {
            result.originalEnvelopeId = std::string(value);
        }
    }
    flush();

    for (auto& r : result.recipients)
    {
        const std::string raw = r.rawFinalRecipient;
        r.finalRecipient = normaliseAddress(raw);
        if (r.finalRecipient.empty() && !raw.empty())
            r.finalRecipient = firstAddress(raw);
        std::string original = normaliseAddress(r.originalRecipient);
        if (original.empty())
            original = firstAddress(r.originalRecipient);
        r.originalRecipient = original;
        const std::string_view withoutType = dropType(r.diagnosticCode);
        if (withoutType.size() < r.diagnosticCode.size())
        {
            const std::size_t semi = r.diagnosticCode.find(';');
            if (semi != std::string::npos)
                r.diagnosticType = toLower(trim(std::string_view(r.diagnosticCode).substr(0, semi)));
        }
        // Japanese MTAs write ISO-2022-JP here without declaring it (RFC 3464 wants ASCII).
        r.diagnosticCode = dropContinuationCodes(collapseSpace(toUtf8(withoutType, ""), 1000));
        r.action = std::string(trim(r.action));
        // "failed (bad address)": keep the keyword only.
        const std::size_t space = r.action.find_first_of(" \t(");
        if (space != std::string::npos)
            r.action.resize(space);
    }
    return result;
}

bool looksLikeDeliveryStatus(std::string_view text)
{
    bool recipient = false;
    bool detail = false;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);)
    {
        if (istartsWith(line, "Final-Recipient:") || istartsWith(line, "Original-Recipient:"))
            recipient = true;
        else if (istartsWith(line, "Action:") || istartsWith(line, "Status:") ||
                 istartsWith(line, "Diagnostic-Code:"))
            detail = true;
        if (recipient && detail)
            return true;
    }
    return false;
}

} // namespace verpmail::bounce
