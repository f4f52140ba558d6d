// DeliveryStatusParser: see the header.
#include "verpmail/bounce/DeliveryStatusParser.h"

#include "verpmail/bounce/Encodings.h"
#include "verpmail/bounce/PhraseSet.h"
#include "verpmail/bounce/TextScan.h"

#include <utility>

namespace verpmail::bounce {

namespace {

// "smtp; 550 ..." / "dns; mx.example.org": drop the type before the first ';'
// when it looks like one (a short token without spaces).
std::string_view dropType(std::string_view value)
{
    const std::size_t semi = value.find(';');
    if (semi == std::string_view::npos || semi > 16)
        return trim(value);
    // Performance: a loop, not find_first_of (a call to memchr over the set per byte).
    for (const char c : trim(value.substr(0, semi)))
        if (c == ' ' || c == '\t' || c == '<' || c == '@')
            return trim(value);
    return trim(value.substr(semi + 1));
}

bool hasRecipient(const DsnRecipient& r)
{
    return !r.finalRecipient.empty() || !r.originalRecipient.empty();
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
    ReportingMta,
    OriginalEnvelopeId,
};

// The field a name (case-blind) stands for.
// Performance: the names' lengths tell all but two pairs apart, so a name is
// compared with at most two of them (most lines of a DSN are fields), not tried
// against each in turn.
Field fieldOf(std::string_view name)
{
    const auto either = [&](std::string_view first, Field firstField, std::string_view second, Field secondField) {
        return iequals(name, first) ? firstField : iequals(name, second) ? secondField : Field::Other;
    };
    switch (name.size())
    {
    case 6:
        return either("action", Field::Action, "status", Field::Status);
    case 10:
        return iequals(name, "remote-mta") ? Field::RemoteMta : Field::Other;
    case 13:
        return iequals(name, "reporting-mta") ? Field::ReportingMta : Field::Other;
    case 15:
        return either("final-recipient", Field::FinalRecipient, "diagnostic-code", Field::DiagnosticCode);
    case 18:
        return iequals(name, "original-recipient") ? Field::OriginalRecipient : Field::Other;
    case 20:
        return iequals(name, "original-envelope-id") ? Field::OriginalEnvelopeId : Field::Other;
    default:
        return Field::Other;
    }
}

// The fields as written, turned into what DsnRecipient promises. Each string is
// reworked where it lies: a copy per field was most of the parser's allocations
// (the Final-Recipient value as written was one too, kept beside its address and
// read by no caller).
void finish(DsnRecipient& r)
{
    if (!normaliseAddressInPlace(r.finalRecipient) && !r.finalRecipient.empty())
        r.finalRecipient = firstAddress(r.finalRecipient);
    if (!normaliseAddressInPlace(r.originalRecipient))
        r.originalRecipient = firstAddress(r.originalRecipient);
    std::string& diagnostic = r.diagnosticCode;
    const std::string_view withoutType = dropType(diagnostic);
    if (withoutType.size() < diagnostic.size())
    {
        const std::size_t semi = diagnostic.find(';');
        if (semi != std::string::npos)
            r.diagnosticType = toLower(trim(std::string_view(diagnostic).substr(0, semi)));
    }
    const std::size_t begin = static_cast<std::size_t>(withoutType.data() - diagnostic.data());
    diagnostic.resize(begin + withoutType.size());
    diagnostic.erase(0, begin);
    // Japanese MTAs write ISO-2022-JP here without declaring it (RFC 3464 wants ASCII).
    convertToUtf8(diagnostic, "");
    collapseDiagnosticInPlace(diagnostic, 1000);
    const std::string_view action = trim(r.action);
    // "failed (bad address)": keep the keyword only.
    std::size_t space = 0;
    while (space < action.size() && action[space] != ' ' && action[space] != '\t' && action[space] != '(')
        ++space;
    const std::size_t begin2 = static_cast<std::size_t>(action.data() - r.action.data());
    r.action.resize(begin2 + space);
    r.action.erase(0, begin2);
}

} // namespace

DeliveryStatus parseDeliveryStatus(std::string_view text, const ParseLimits& limits)
{
    DeliveryStatus result;
    DsnRecipient current;
    bool currentStarted = false;
    // For folded continuation lines; null where they are dropped (unread fields).
    std::string* lastValue = nullptr;

    auto flush = [&]() {
        if (currentStarted && hasRecipient(current) && result.recipients.size() < limits.maxRecipients)
        {
            result.recipients.push_back(std::move(current));
            finish(result.recipients.back());
        }
        current = DsnRecipient();
        currentStarted = false;
        lastValue = nullptr;
    };

    LineReader lines(text);
    for (std::string_view line; lines.next(line);)
    {
        // (A line that starts with other than white space is no blank line and no
        // continuation: most lines, which are not trimmed whole then.)
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
        switch (fieldOf(name))
        {
        case Field::FinalRecipient:
            if (!current.finalRecipient.empty())
                flush();
            currentStarted = true;
            // As written until finish() normalises it.
            current.finalRecipient.assign(value);
            lastValue = &current.finalRecipient;
            break;
        case Field::OriginalRecipient:
            if (!current.originalRecipient.empty())
                flush();
            currentStarted = true;
            current.originalRecipient.assign(value);
            lastValue = &current.originalRecipient;
            break;
        case Field::Action:
            currentStarted = true;
            current.action.assign(value);
            lowerInPlace(current.action);
            lastValue = &current.action;
            break;
        case Field::Status:
            currentStarted = true;
            current.status = findStatusCode(value);
            break;
        case Field::DiagnosticCode:
            currentStarted = true;
            current.diagnosticCode.assign(value);
            lastValue = &current.diagnosticCode;
            break;
        case Field::RemoteMta:
            currentStarted = true;
            current.remoteMta.assign(dropType(value));
            break;
        case Field::ReportingMta:
            result.reportingMta = dropType(value);
            break;
        case Field::OriginalEnvelopeId:
            result.originalEnvelopeId.assign(value);
            break;
        case Field::Other:
            break;
        }
    }
    flush();
    return result;
}

bool looksLikeDeliveryStatus(std::string_view text)
{
    // Performance: every text part of a report without a delivery-status part comes
    // here, and few hold a recipient field anywhere: the two names are searched for
    // in the whole text first (a table search that skips most bytes unread), and the
    // lines are walked only where one of them is found.
    static const PhraseSet recipientFields({"final-recipient:", "original-recipient:"});
    if (!recipientFields.findAny(text))
        return false;
    bool recipient = false;
    bool detail = false;
    LineReader lines(text);
    for (std::string_view line; lines.next(line);)
    {
        // (Most lines start with none of the five names' letters.)
        if (line.empty())
            continue;
        const unsigned char c = foldByte(static_cast<unsigned char>(line[0]));
        if (c == 'f' || c == 'o')
            recipient = recipient || istartsWith(line, c == 'f' ? "Final-Recipient:" : "Original-Recipient:");
        else if (c == 'a' || c == 's' || c == 'd')
            detail = detail ||
                     istartsWith(line, c == 'a' ? "Action:" : c == 's' ? "Status:" : "Diagnostic-Code:");
        else
            continue;
        if (recipient && detail)
            return true;
    }
    return false;
}

} // namespace verpmail::bounce
