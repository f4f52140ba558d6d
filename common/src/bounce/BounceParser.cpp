// BounceParser: the order of questions asked of a returned message.
//
//  1. MIME structure (MimeReader), bounded by ParseLimits.
//  2. An RFC 5965 feedback report (ArfParser) that answers no mail: a complaint.
//  3. A delivery-status part (or DSN fields pasted into text): a bounce, one
//     result per recipient group (DeliveryStatusParser); empty diagnostics are
//     completed from the human-readable text.
//  4. Otherwise a mail client's unsubscribe request (an opt-out complaint), or an
//     auto-reply (AutoReplyDetector) whose header does not look like a bounce.
//  5. Otherwise a bounce-looking header or text: the non-standard scanner; else Other.
// Every result then goes through classify(). The returned original (attached or
// quoted inline) gives the VERP candidates and the campaign.
#include "verpmail/bounce/BounceParser.h"

#include "verpmail/bounce/AddressScan.h"
#include "verpmail/bounce/ArfParser.h"
#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/AutoReplyDetector.h"
#include "verpmail/bounce/BounceClassifier.h"
#include "verpmail/bounce/DeliveryStatusParser.h"
#include "verpmail/bounce/HeaderBlock.h"
#include "verpmail/bounce/JsonNotification.h"
#include "verpmail/bounce/Lines.h"
#include "verpmail/bounce/MimeReader.h"
#include "verpmail/bounce/NonStandardFormats.h"
#include "verpmail/bounce/SmtpCodes.h"

#include <algorithm>

namespace verpmail {

namespace {

using namespace verpmail::bounce;

bool isDeliveryStatusType(std::string_view type)
{
    return type == "message/delivery-status" || type == "message/global-delivery-status";
}

bool isOriginalType(std::string_view type)
{
    return type == "message/rfc822" || type == "message/global" || type == "text/rfc822-headers" ||
           type == "message/rfc822-headers" || type == "text/rfc822-header" || type == "message/global-headers" ||
           type == "message/partial";
}

bool isTextType(std::string_view type)
{
    return type.empty() || type == "text/plain";
}

// The parts whose bodies the questions below read (dissect, the DSN pasted as text).
bool bodyIsRead(const ContentType& contentType)
{
    const std::string& type = contentType.type;
    return isTextType(type) || type == "text/html" || isDeliveryStatusType(type) ||
           type == "message/feedback-report" || isOriginalType(type);
}

void addUnique(std::vector<std::string>& list, std::string value)
{
    if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end())
        list.push_back(std::move(value));
}

// Adds the addresses in a header value, lower-cased, that list does not hold yet.
void addAddressesIn(std::string_view headerValue, std::vector<std::string>& list)
{
    AddressScanner scanner(headerValue);
    AddressSpan span;
    for (std::size_t n = 0; n < 50 && scanner.next(span); ++n)
        addUnique(list, toLower(span.address));
}

std::vector<std::string> addressesIn(std::string_view headerValue)
{
    std::vector<std::string> out;
    addAddressesIn(headerValue, out);
    return out;
}

// What the message is made of, found in one pass over the parts. The texts are views
// of the parts' bodies (or of joinedText), so it is filled in place and never copied.
struct Anatomy
{
    Anatomy() = default;
    Anatomy(const Anatomy&) = delete;
    Anatomy& operator=(const Anatomy&) = delete;

    const MimePart* deliveryStatus = nullptr;
    const MimePart* feedbackReport = nullptr;
    const MimePart* original = nullptr;
    std::string joinedText;         ///< storage when several text parts make up humanText
    std::string_view humanText;     ///< text/plain parts before the original, joined
    std::string_view originalText;  ///< the returned original (or its headers)
};

void dissect(const MimeMessage& mime, Anatomy& a)
{
    const bool multipart = !mime.parts.empty() && mime.parts.front().multipart;
    std::vector<std::string_view> texts;
    std::size_t joinedSize = 0;
    for (const MimePart& part : mime.parts)
    {
        const std::string& type = part.contentType.type;
        if (part.multipart)
            continue;
        if (isDeliveryStatusType(type) && !a.deliveryStatus)
            a.deliveryStatus = &part;
        else if (type == "message/feedback-report" && !a.feedbackReport)
            a.feedbackReport = &part;
        else if (isOriginalType(type) && !a.original)
            a.original = &part;
        else if (!a.original && (isTextType(type) || (multipart && type == "text/html" && texts.empty())) &&
                 joinedSize < 256 * 1024)
        {
            texts.push_back(part.body());
            joinedSize += part.body().size() + 1;
        }
    }
    if (!multipart)
        a.humanText = mime.parts.empty() ? std::string_view() : std::string_view(mime.parts.front().body());
    else if (texts.size() == 1)
        a.humanText = texts.front();
    else
    {
        for (std::string_view text : texts)
        {
            a.joinedText += text;
            a.joinedText += '\n';
        }
        a.humanText = a.joinedText;
    }
    if (a.original)
        a.originalText = a.original->body();
    // A quoted original inside the text: cut the text there, keep the copy.
    std::size_t contentStart = std::string::npos;
    const std::size_t cut = findOriginalStart(a.humanText, &contentStart);
    if (cut != std::string::npos)
    {
        if (a.originalText.empty() && contentStart != std::string::npos)
        {
            // Skip blank lines between the marker and the copied header.
            std::string_view rest = a.humanText.substr(contentStart);
            while (!rest.empty() && (rest.front() == '\n' || rest.front() == ' ' || rest.front() == '\t'))
                rest.remove_prefix(1);
            a.originalText = rest;
        }
        a.humanText = a.humanText.substr(0, cut);
    }
}

void readOriginal(const HeaderBlock& original, ParsedReturn& r)
{
    if (original.empty())
        return;
    // Four headers below, mostly one address each: the list is sized once, not grown.
    r.verpCandidates.reserve(4);
    addUnique(r.verpCandidates, normaliseAddress(original.find("X-Verpmail-Envelope")));
    addUnique(r.verpCandidates, normaliseAddress(original.find("Return-Path")));
    for (const char* name : {"From", "Sender"})
        addAddressesIn(original.find(name), r.verpCandidates);
    r.campaign = std::string(trim(original.find("X-Verpmail-Campaign")).substr(0, 200));
}

// The addresses a text scan must not mistake for failed recipients, compared ignoring
// case: views of the header values and candidates, which outlive the scan.
std::vector<std::string_view> excludedAddresses(const HeaderBlock& headers, const ParsedReturn& r)
{
    std::vector<std::string_view> out;
    const auto addIfNew = [&](std::string_view address) {
        const auto held = [&](std::string_view entry) { return iequals(entry, address); };
        if (std::none_of(out.begin(), out.end(), held))
            out.push_back(address);
    };
    for (const char* name : {"From", "To", "Return-Path", "Reply-To", "Sender"})
    {
        AddressScanner scanner(headers.find(name));
        AddressSpan span;
        for (std::size_t n = 0; n < 50 && scanner.next(span); ++n)
            addIfNew(span.address);
    }
    for (const auto& candidate : r.verpCandidates)
        if (!candidate.empty())
            addIfNew(candidate);
    return out;
}

void classifyAll(ParsedReturn& r)
{
    for (auto& result : r.recipients)
    {
        // A reason the format states (an ESP's bounce type) stands; the text only explains it.
        const Classification c = result.reason.empty() ? classify(r.kind, result)
                                                       : Classification{result.reason, classOfReason(result.reason, result.status)};
        result.reason = c.reason;
        result.bounceClass = c.bounceClass;
    }
}

// An RFC 5965 report: a message/feedback-report part, or a multipart/report of that
// report-type. An answer to our mail that carries one is not a complaint.
bool readFeedbackReport(const Anatomy& a, const MimeMessage& mime, const ParseLimits& limits,
                        const HeaderBlock& original, ParsedReturn& r)
{
    const ContentType& top = mime.parts.front().contentType;
    if ((!a.feedbackReport && (top.type != "multipart/report" || !iequals(top.paramView("report-type"), "feedback-report"))) ||
        answersMail(mime.headers))
        return false;
    const FeedbackReport report = parseFeedbackReport(a.feedbackReport ? a.feedbackReport->body() : "", limits);
    r.kind = ReturnKind::Complaint;
    r.feedbackType = report.feedbackType;
    if (r.envelopeId.empty())
        r.envelopeId = report.originalEnvelopeId;
    // The envelope sender of the reported message is our VERP address: try it first.
    if (!report.originalMailFrom.empty())
        r.verpCandidates.insert(r.verpCandidates.begin(), report.originalMailFrom);
    std::vector<std::string> recipients = report.recipients;
    if (recipients.empty())
        recipients = addressesIn(original.find("To"));
    if (recipients.empty())
        recipients.emplace_back();   // redacted: the VERP candidates identify the member
    for (std::size_t i = 0; i < recipients.size() && r.recipients.size() < limits.maxRecipients; ++i)
    {
        RecipientResult& result = r.recipients.emplace_back();
        result.address = std::move(recipients[i]);
        result.diagnostic = collapseSpace(a.humanText, 1000);
    }
    return true;
}

// The loop that does not use ARF (Hotmail's JMRP): the original is attached and names
// the complainer in X-HmXmrOriginalRecipient. A subject's words never make a complaint.
bool readUnreportedComplaint(const MimeMessage& mime, const HeaderBlock& original, ParsedReturn& r)
{
    std::string complainer = normaliseAddress(original.find("X-HmXmrOriginalRecipient"));
    if (complainer.empty() || answersMail(mime.headers))
        return false;
    r.kind = ReturnKind::Complaint;
    r.feedbackType = "abuse";
    r.recipients.emplace_back().address = std::move(complainer);
    return true;
}

// A mail client's unsubscribe request (Apple Mail's "X-Apple-Unsubscribe: true" to the
// List-Unsubscribe mailto): an opt-out to honour, in ARF's words "opt-out".
bool readUnsubscribeRequest(const MimeMessage& mime, ParsedReturn& r)
{
    if (!iequals(trim(mime.headers.find("X-Apple-Unsubscribe")), "true"))
        return false;
    r.kind = ReturnKind::Complaint;
    r.feedbackType = "opt-out";
    const std::vector<std::string> from = addressesIn(mime.headers.find("From"));
    RecipientResult& result = r.recipients.emplace_back();
    result.address = from.empty() ? std::string() : from.front();
    result.diagnostic = "unsubscribe request (X-Apple-Unsubscribe)";
    return true;
}

// The text scan's address that is `address`, or the only one there is, or npos.
std::size_t matchingScan(const ErrorTextScan& scan, const std::string& address, std::size_t dsnCount)
{
    for (std::size_t i = 0; i < scan.size(); ++i)
        if (iequals(scan.addressAsWritten(i), address))
            return i;
    if (dsnCount == 1 && scan.size() == 1)
        return 0;
    return std::string::npos;
}

// A DSN recipient's result, completed from the prose where the DSN says too little
// (no diagnostic, no command, no address); `count` recipients in the DSN.
RecipientResult fromDsn(DsnRecipient& d, std::size_t count, const ErrorTextScan& scan, const Anatomy& a,
                        const MimeMessage& mime)
{
    RecipientResult result;
    result.address = std::move(d.finalRecipient);
    // "@relay:user@host" source routes and dot-less hosts are internal rewrites;
    // the original recipient is then the address the sender used.
    if (!d.originalRecipient.empty() && (result.address.empty() || result.address[0] == '@' ||
                                         result.address.find(':') != std::string::npos ||
                                         result.address.find('@') == std::string::npos))
        result.address = std::move(d.originalRecipient);
    result.action = std::move(d.action);
    result.status = std::move(d.status);
    result.diagnostic = std::move(d.diagnosticCode);
    result.diagnosticType = std::move(d.diagnosticType);
    result.remoteMta = std::move(d.remoteMta);
    // The prose's diagnostic for the address as the DSN gives it.
    const std::size_t match = matchingScan(scan, result.address, count);
    const RecipientResult textual = match == std::string::npos ? RecipientResult() : scan.describe(match);
    if (result.diagnostic.empty())
        result.diagnostic = textual.diagnostic;
    // The DSN rarely says which command failed; the prose often does.
    result.smtpCommand = findSmtpCommand(result.diagnostic);
    if (result.smtpCommand.empty())
        result.smtpCommand = textual.smtpCommand;
    if (result.address.empty() && match != std::string::npos)
        result.address = scan.address(match);
    // A local delivery (a file or a pipe) has no address in its Final-Recipient;
    // Exim's X-Failed-Recipients still names the one that failed.
    if (result.address.empty() && count == 1)
    {
        std::vector<std::string> failedHeader = addressesIn(mime.headers.find("X-Failed-Recipients"));
        if (failedHeader.size() == 1)
            result.address = std::move(failedHeader.front());
    }
    // Nothing says why but the prose (no diagnostic, no specific status): let the
    // whole report speak.
    const bool genericStatus = result.status.empty() || result.status.compare(1, 4, ".0.0") == 0;
    if (result.diagnostic.empty() && genericStatus && count == 1)
    {
        result.diagnostic = collapseSpace(a.humanText, 1000);
        if (result.smtpCommand.empty())
            result.smtpCommand = findSmtpCommand(result.diagnostic);
    }
    // An empty command here means the final diagnostic names none.
    result.smtpCommandSettled = true;
    result.replyCode = findReplyCode(result.diagnostic);
    if (result.status.empty())
        result.status = findStatusCode(result.diagnostic);
    return result;
}

bool readDeliveryStatus(const Anatomy& a, const MimeMessage& mime, const ParseLimits& limits, ParsedReturn& r)
{
    std::string_view dsnText;
    if (a.deliveryStatus)
        dsnText = a.deliveryStatus->body();
    else
    {
        // DSN fields pasted into a text part (some gateways flatten the report).
        for (const MimePart& part : mime.parts)
            if (!part.multipart && isTextType(part.contentType.type) && looksLikeDeliveryStatus(part.body()))
            {
                dsnText = part.body();
                break;
            }
    }
    if (dsnText.empty())
        return false;
    // Not const: each recipient's strings are moved into its result.
    DeliveryStatus ds = parseDeliveryStatus(dsnText, limits);
    if (ds.recipients.empty())
        return false;
    r.kind = ReturnKind::Bounce;
    r.envelopeId = std::move(ds.originalEnvelopeId);
    const std::vector<std::string_view> exclude = excludedAddresses(mime.headers, r);
    const ErrorTextScan scan(a.humanText, exclude, limits);
    for (DsnRecipient& d : ds.recipients)
        r.recipients.push_back(fromDsn(d, ds.recipients.size(), scan, a, mime));
    return true;
}

// A result for an address the prose does not explain: the whole report is its diagnostic.
RecipientResult wholeReportResult(const Anatomy& a, std::string address)
{
    RecipientResult result;
    result.address = std::move(address);
    result.diagnostic = collapseSpace(a.humanText, 1000);
    fillCodesFromText(result);
    return result;
}

// Prose bounces; originalTo (the returned original's To:) is the guess when it names
// no address.
bool readTextBounce(const Anatomy& a, const MimeMessage& mime, const ParseLimits& limits,
                    const std::vector<std::string>& originalTo, ParsedReturn& r)
{
    const bool bounceHeader = looksLikeBounceHeader(mime.headers);
    const std::vector<std::string_view> exclude = excludedAddresses(mime.headers, r);
    // Exim names the failed addresses in a header of its own. The body wins where
    // the two disagree (a rewritten address), but the header filters out addresses
    // the prose mentions for other reasons ("generated from ..."), and it names the
    // recipient of a text that names none better than the original's To: does.
    const std::vector<std::string> failed = addressesIn(mime.headers.find("X-Failed-Recipients"));
    std::vector<RecipientResult> scanned = scanErrorText(a.humanText, exclude, limits, failed.empty() ? originalTo : failed);
    if (!failed.empty())
    {
        std::vector<RecipientResult> ordered;
        for (const auto& address : failed)
            for (const auto& s : scanned)
                if (iequals(s.address, address) && ordered.size() < limits.maxRecipients)
                    ordered.push_back(s);
        // Only addresses the text names for themselves beat the header.
        const bool strongScan = std::any_of(scanned.begin(), scanned.end(), [&](const RecipientResult& s) {
            return std::none_of(exclude.begin(), exclude.end(),
                                [&](std::string_view e) { return iequals(e, s.address); });
        });
        if (ordered.empty() && !strongScan)
            for (std::size_t i = 0; i < failed.size() && i < limits.maxRecipients; ++i)
                ordered.push_back(wholeReportResult(a, failed[i]));
        if (!ordered.empty())
            scanned = std::move(ordered);
        else if (!strongScan)
            scanned.clear();
    }
    if (!bounceHeader && scanned.empty())
        return false;
    if (!bounceHeader)
    {
        // Without a bounce-like header, want failure prose or an SMTP code in the
        // text before believing it.
        const bool coded = !findStatusCode(a.humanText).empty() || !findReplyCode(a.humanText).empty();
        if (!coded && !looksLikeBounceText(a.humanText))
            return false;
    }
    if (scanned.empty())
    {
        // A bounce that names no address: the returned original's To: is the best guess.
        scanned.push_back(wholeReportResult(a, originalTo.size() == 1 ? originalTo.front() : std::string()));
    }
    const bool delayed = isDelayNotice(a.humanText) || isDelayNotice(r.subject);
    for (auto& s : scanned)
    {
        // A bare address line says nothing; the whole report then is the diagnostic.
        if (s.status.empty() && s.replyCode.empty() && scanned.size() == 1 && s.diagnostic.size() < s.address.size() + 12)
        {
            s.diagnostic = collapseSpace(a.humanText, 1000);
            fillCodesFromText(s);
        }
        if (delayed)
            s.action = "delayed";
    }
    r.kind = ReturnKind::Bounce;
    r.recipients = std::move(scanned);
    return true;
}

bool readAutoReply(const Anatomy& a, const MimeMessage& mime, ParsedReturn& r)
{
    // Exim and others mark their bounces "Auto-Submitted: auto-replied" too.
    if (!isAutoReply(mime.headers) || looksLikeBounceHeader(mime.headers))
        return false;
    r.kind = ReturnKind::AutoReply;
    RecipientResult& result = r.recipients.emplace_back();
    const auto from = addressesIn(mime.headers.find("From"));
    if (!from.empty())
        result.address = from.front();
    result.diagnostic = collapseSpace(a.humanText, 1000);
    return true;
}

ParsedReturn parseNormalised(std::string_view text, const ParseLimits& limits, bool nested = false)
{
    ParsedReturn r;
    const MimeMessage mime = readMime(text, limits, bodyIsRead);
    r.problem = mime.problem;
    if (mime.headers.empty())
    {
        r.problem = r.problem.empty() ? "no header" : r.problem;
        return r;
    }
    r.subject = collapseSpace(decodeEncodedWords(mime.headers.find("Subject")), 200);

    Anatomy a;
    dissect(mime, a);
    // The returned original's header (up to 500 fields: mail loops carry thousands).
    const HeaderBlock original = a.originalText.empty()
                                     ? HeaderBlock()
                                     : HeaderBlock::parse(a.originalText, limits.maxHeaderBytes, nullptr, 500);
    readOriginal(original, r);
    // A report forwarded whole inside another notice (an appliance's, an ESP's): the
    // inner report is the return, never the inner message's To: (our own address).
    if (!nested && !a.deliveryStatus && !a.feedbackReport && icontains(original.find("Content-Type"), "multipart/report"))
    {
        ParsedReturn inner = parseNormalised(a.originalText, limits, true);
        if (!inner.recipients.empty())
        {
            for (std::string& candidate : r.verpCandidates)
                addUnique(inner.verpCandidates, std::move(candidate));
            inner.subject = std::move(r.subject);
            return inner;
        }
    }

    if (readFeedbackReport(a, mime, limits, original, r) || readDeliveryStatus(a, mime, limits, r) ||
        readJsonNotification(a.humanText, limits, r) || readUnreportedComplaint(mime, original, r) ||
        readUnsubscribeRequest(mime, r) || readAutoReply(a, mime, r) || readTextBounce(a, mime, limits, addressesIn(original.find("To")), r))
        classifyAll(r);
    return r;
}

} // namespace

ParsedReturn parseReturn(std::string_view message, const ParseLimits& limits)
{
    std::string problem;
    if (message.size() > limits.maxBytes)
        problem = "input larger than maxBytes, tail ignored";
    try
    {
        // The parts and fields are views of this text: it outlives them.
        const std::string text = normaliseLineEnds(message, limits.maxBytes);
        ParsedReturn r = parseNormalised(text, limits);
        if (!problem.empty())
            r.problem = problem;
        return r;
    }
    catch (const std::bad_alloc&)
    {
        throw;
    }
    catch (...)
    {
        // A bug in a heuristic must not lose the message: report it as unparsed.
        ParsedReturn r;
        r.problem = "internal parser error";
        return r;
    }
}

} // namespace verpmail
