// DeliveryStatusParserTest: RFC 3464 / RFC 6533 fields and the broken layouts.
#include "verpmail/bounce/DeliveryStatusParser.h"

#include "verpmail/bounce/Encodings.h"
#include "verpmail/bounce/TextScan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace verpmail::bounce;

TEST(DeliveryStatusParser, ReadsPerMessageAndPerRecipientFields)
{
    const char* text = "Reporting-MTA: dns; mx.example.org\n"
                       "Original-Envelope-Id: campaign-42\n"
                       "\n"
                       "Final-Recipient: rfc822; one@example.jp\n"
                       "Original-Recipient: rfc822;one@example.jp\n"
                       "Action: failed\n"
                       "Status: 5.1.1\n"
                       "Remote-MTA: dns; mx.example.jp\n"
                       "Diagnostic-Code: smtp; 550 5.1.1 <one@example.jp>:\n"
                       "    Recipient address rejected: User unknown\n"
                       "\n"
                       "Final-Recipient: utf-8; two@example.jp\n"
                       "Action: delayed\n"
                       "Status: 4.4.1\n";
    const DeliveryStatus ds = parseDeliveryStatus(text, verpmail::ParseLimits{});
    EXPECT_EQ(ds.reportingMta, "mx.example.org");
    EXPECT_EQ(ds.originalEnvelopeId, "campaign-42");
    ASSERT_EQ(ds.recipients.size(), 2u);
    EXPECT_EQ(ds.recipients[0].finalRecipient, "one@example.jp");
    EXPECT_EQ(ds.recipients[0].action, "failed");
    EXPECT_EQ(ds.recipients[0].status, "5.1.1");
    EXPECT_EQ(ds.recipients[0].diagnosticType, "smtp");
    EXPECT_EQ(ds.recipients[0].diagnosticCode, "550 5.1.1 <one@example.jp>: Recipient address rejected: User unknown");
    EXPECT_EQ(ds.recipients[0].remoteMta, "mx.example.jp");
    EXPECT_EQ(ds.recipients[1].finalRecipient, "two@example.jp");
    EXPECT_EQ(ds.recipients[1].action, "delayed");
}

TEST(DeliveryStatusParser, SplitsRecipientsWithoutBlankLines)
{
    const char* text = "Final-Recipient: rfc822; a@x.example\nAction: failed\nStatus: 5.0.0\n"
                       "Final-Recipient: rfc822; b@x.example\nAction: failed\nStatus: 5.2.2\n";
    const DeliveryStatus ds = parseDeliveryStatus(text, verpmail::ParseLimits{});
    ASSERT_EQ(ds.recipients.size(), 2u);
    EXPECT_EQ(ds.recipients[1].status, "5.2.2");
}

TEST(DeliveryStatusParser, RespectsRecipientLimitAndIgnoresGarbage)
{
    std::string text;
    for (int i = 0; i < 50; ++i)
        text += "Final-Recipient: rfc822; u" + std::to_string(i) + "@x.example\n\n";
    verpmail::ParseLimits limits;
    limits.maxRecipients = 5;
    EXPECT_EQ(parseDeliveryStatus(text, limits).recipients.size(), 5u);
    EXPECT_TRUE(parseDeliveryStatus("\x01\x02 garbage : : \n\n", limits).recipients.empty());
    EXPECT_TRUE(parseDeliveryStatus("", limits).recipients.empty());
}

TEST(DeliveryStatusParser, DetectsPastedReports)
{
    EXPECT_TRUE(looksLikeDeliveryStatus("text\nFinal-Recipient: rfc822; a@b.example\nAction: failed\n"));
    EXPECT_FALSE(looksLikeDeliveryStatus("Final-Recipient only"));
}

namespace {

// The parser before its fields were reworked in place and looked up by length: the
// model it must match on every input.
// A type is a token of at most 16 bytes before the first ';', without blanks, '<' or '@'.
std::string_view dropTypeModel(std::string_view value)
{
    const std::size_t semi = value.find(';');
    const bool typed = semi <= 16 && trim(value.substr(0, semi)).find_first_of(" \t<@") == std::string_view::npos;
    return trim(typed ? value.substr(semi + 1) : value);
}

DeliveryStatus parseDeliveryStatusModel(std::string_view text, const verpmail::ParseLimits& limits)
{
    DeliveryStatus result;
    DsnRecipient current;
    bool currentStarted = false;
    std::string* lastValue = nullptr;
    auto flush = [&]() {
        if (currentStarted && (!current.finalRecipient.empty() || !current.originalRecipient.empty()) &&
            result.recipients.size() < limits.maxRecipients)
            result.recipients.push_back(current);
        current = DsnRecipient();
        currentStarted = false;
        lastValue = nullptr;
    };
    std::string scratch;
    for (const std::string_view line : splitLines(text))
    {
        if (trim(line).empty())
        {
            flush();
            continue;
        }
        if (line[0] == ' ' || line[0] == '\t')
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
        const bool isFinal = iequals(name, "final-recipient");
        if (isFinal || iequals(name, "original-recipient"))
        {
            // The Final-Recipient value as written until the end.
            std::string& field = isFinal ? current.finalRecipient : current.originalRecipient;
            if (!field.empty())
                flush();
            currentStarted = true;
            field = std::string(value);
            lastValue = &field;
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
            current.remoteMta = std::string(dropTypeModel(value));
        }
        else if (iequals(name, "reporting-mta"))
            result.reportingMta = dropTypeModel(value);
        else if (iequals(name, "original-envelope-id"))
            result.originalEnvelopeId = std::string(value);
    }
    flush();
    for (auto& r : result.recipients)
    {
        const std::string raw = r.finalRecipient;
        r.finalRecipient = normaliseAddress(raw);
        if (r.finalRecipient.empty() && !raw.empty())
            r.finalRecipient = firstAddress(raw);
        std::string original = normaliseAddress(r.originalRecipient);
        if (original.empty())
            original = firstAddress(r.originalRecipient);
        r.originalRecipient = original;
        const std::string_view withoutType = dropTypeModel(r.diagnosticCode);
        if (withoutType.size() < r.diagnosticCode.size())
        {
            const std::size_t semi = r.diagnosticCode.find(';');
            if (semi != std::string::npos)
                r.diagnosticType = toLower(trim(std::string_view(r.diagnosticCode).substr(0, semi)));
        }
        r.diagnosticCode = dropContinuationCodes(collapseSpace(toUtf8(withoutType, ""), 1000));
        r.action = std::string(trim(r.action));
        const std::size_t space = r.action.find_first_of(" \t(");
        if (space != std::string::npos)
            r.action.resize(space);
    }
    return result;
}

bool looksLikeDeliveryStatusModel(std::string_view text)
{
    bool recipient = false;
    bool detail = false;
    for (const std::string_view line : splitLines(text))
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

void expectSame(const DsnRecipient& got, const DsnRecipient& want)
{
    EXPECT_EQ(got.finalRecipient, want.finalRecipient);
    EXPECT_EQ(got.originalRecipient, want.originalRecipient);
    EXPECT_EQ(got.action, want.action);
    EXPECT_EQ(got.status, want.status);
    EXPECT_EQ(got.diagnosticCode, want.diagnosticCode);
    EXPECT_EQ(got.diagnosticType, want.diagnosticType);
    EXPECT_EQ(got.remoteMta, want.remoteMta);
}

} // namespace

TEST(DeliveryStatusParser, ReadsFieldsLikeTheModel)
{
    const std::vector<std::string_view> pieces = {
        "Final-Recipient:", "final-RECIPIENT :", "Original-Recipient:", "Action:", "ACTION:", "Status:",
        "Diagnostic-Code:", "Remote-MTA:", "Reporting-MTA:", "Original-Envelope-Id:", "X-Other:", "Statuz:",
        "rfc822;", " rfc822; ", "<A@B.Example>", "a@b.example", " x@Y.EXAMPLE ", "nobody", "smtp;", "dns;",
        " mx.example.jp", "550", "550-5.1.1", " 550 5.1.1", "5.1.1", "4.4.7", " FAILED", "failed (bad)",
        "Delayed\t", "\n", "\n", "\n", "\n ", "\n\t", "\n  550-5.1.1 more", " ", "  ", ":", ";", "\x1b$B", "\xC3\x89",
        "a-very-long-field-name-well-past-the-sixty-fourth-byte-of-the-line-xx:",
        // Names one byte off a field's, of its length (the length picks the names
        // compared), and lines that start with white space other than a blank.
        "Actiom:", "STATUS:", "Remote-MTX:", "REPORTING-mta:", "Reporting-MTX:", "Diagnostic-Codf:",
        "Final-Recipienz:", "DIAGNOSTIC-CODE:", "Original-Recipienx:", "Original-Envelope-Ix:",
        "ORIGINAL-ENVELOPE-ID:", "\v", "\f", "\r", "\n\vStatus: 5.1.1", "\n\r", "\n\t\n"};
    std::uint32_t seed = 17;
    const auto next = [&seed]() {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    verpmail::ParseLimits limits;
    for (int round = 0; round < 20000; ++round)
    {
        std::string text;
        const std::size_t count = next() % 40;
        for (std::size_t i = 0; i < count; ++i)
            text += pieces[next() % pieces.size()];
        limits.maxRecipients = round % 7 == 0 ? 1 : 100;
        limits.maxHeaderBytes = round % 5 == 0 ? 12 : 10000;
        const DeliveryStatus got = parseDeliveryStatus(text, limits);
        const DeliveryStatus want = parseDeliveryStatusModel(text, limits);
        SCOPED_TRACE(text);
        ASSERT_EQ(got.reportingMta, want.reportingMta);
        ASSERT_EQ(got.originalEnvelopeId, want.originalEnvelopeId);
        ASSERT_EQ(got.recipients.size(), want.recipients.size());
        for (std::size_t i = 0; i < got.recipients.size(); ++i)
            expectSame(got.recipients[i], want.recipients[i]);
        if (HasFailure())
            return;
        ASSERT_EQ(looksLikeDeliveryStatus(text), looksLikeDeliveryStatusModel(text));
    }
}

TEST(DeliveryStatusParser, KeepsTheFieldRulesAtTheEdges)
{
    const char* text = "Final-Recipient: rfc822; <A@B.Example>\n"
                       "Action: FAILED\n"
                       "  (mailbox full)\n"            // a folded action keeps only its keyword
                       "X-Unknown: x\n"
                       "  folded into nothing read\n"
                       "Diagnostic-Code: smtp; 550-5.1.1 no\n"
                       "  550 5.1.1 such user\n"
                       "Original-Recipient: rfc822;nobody\n";
    const DeliveryStatus ds = parseDeliveryStatus(text, verpmail::ParseLimits{});
    ASSERT_EQ(ds.recipients.size(), 1u);
    // final, original ("nobody" is no address), action, status, diagnostic, its type,
    // remote MTA
    const DsnRecipient want{"A@b.example", "", "failed", "", "550-5.1.1 no such user", "smtp", ""};
    expectSame(ds.recipients[0], want);
    // A name one letter off is no field.
    EXPECT_TRUE(parseDeliveryStatus("Statuz: 5.1.1\nFinal-Recipienx: a@b.example\n", verpmail::ParseLimits{})
                    .recipients.empty());
    EXPECT_FALSE(looksLikeDeliveryStatus("final-recipient: a@b.example\nSTATUS 5.1.1\n"));
    EXPECT_TRUE(looksLikeDeliveryStatus("final-recipient: a@b.example\nSTATUS: 5.1.1\n"));
}

TEST(DeliveryStatusParser, FinalRecipientIsNormalisedWhereItWasRead)
{
    // The value as written becomes the address in place: normalised when it is one,
    // else the first address in it, else nothing (a file or a pipe).
    const struct
    {
        const char* field;
        const char* want;
    } rows[] = {
        {"Final-Recipient: rfc822; <A@B.Example>", "A@b.example"},
        {"Final-Recipient: rfc822;a-long-local-part-past-sso@Example.ORG", "a-long-local-part-past-sso@example.org"},
        {"Final-Recipient: rfc822; /var/mail/someone", ""},
        {"Final-Recipient: rfc822; |/usr/bin/procmail", ""},
        {"Final-Recipient: x-local; mailbox \"Box\" of user@Host.Example, here", "user@host.example"},
        {"Final-Recipient: rfc822; first@a.example\n  second@b.example", "first@a.example"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.field);
        const DeliveryStatus ds =
            parseDeliveryStatus(std::string(row.field) + "\nAction: failed\nStatus: 5.1.1\n", verpmail::ParseLimits{});
        ASSERT_EQ(ds.recipients.size(), 1u);
        EXPECT_EQ(ds.recipients[0].finalRecipient, row.want);
    }
    // An empty field names no recipient.
    EXPECT_TRUE(parseDeliveryStatus("Final-Recipient:\nAction: failed\n", verpmail::ParseLimits{}).recipients.empty());
}

TEST(DeliveryStatusParser, LooksLikeDeliveryStatusAsTheLineWalkDid)
{
    // Random texts of field lines (in any case, indented, cut short, inside prose):
    // the answer is the line walk's, which wants a recipient field and a detail field
    // each at a line's start.
    const auto lineWalk = [](const std::string& text) {
        bool recipient = false;
        bool detail = false;
        std::size_t pos = 0;
        while (pos <= text.size())
        {
            const std::size_t end = std::min(text.find('\n', pos), text.size());
            const std::string_view line = std::string_view(text).substr(pos, end - pos);
            recipient = recipient || istartsWith(line, "Final-Recipient:") || istartsWith(line, "Original-Recipient:");
            detail = detail || istartsWith(line, "Action:") || istartsWith(line, "Status:") ||
                     istartsWith(line, "Diagnostic-Code:");
            pos = end + 1;
        }
        return recipient && detail;
    };
    const std::vector<std::string> pieces = {
        "Final-Recipient: rfc822; a@b.example", "FINAL-RECIPIENT:x", "final-recipient:", "Original-Recipient: rfc822;",
        "original-RECIPIENT:", " Final-Recipient: indented", "Final-Recipient without colon", "Final-Recipien:",
        "the Final-Recipient: inside prose", "Action: failed", "ACTION:", "Status: 5.1.1", "status:",
        "Diagnostic-Code: smtp; 550", "diagnostic-code:", " Action: indented", "Actions: none", "prose", "",
    };
    std::mt19937 random(1123);
    for (int round = 0; round < 20000; ++round)
    {
        std::string text;
        const std::size_t lines = random() % 6;
        for (std::size_t i = 0; i < lines; ++i)
        {
            text += pieces[random() % pieces.size()];
            if (i + 1 < lines || random() % 2)
                text += '\n';
        }
        SCOPED_TRACE(text);
        ASSERT_EQ(looksLikeDeliveryStatus(text), lineWalk(text));
    }
}
