// TextScanTest: the scanners that find addresses and codes in returned mail
// (Ascii, Lines, AddressScan, SmtpCodes).
#include "verpmail/bounce/AddressScan.h"
#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/Lines.h"
#include "verpmail/bounce/SmtpCodes.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

using namespace verpmail::bounce;

namespace {

struct Found
{
    std::string address;   // its domain lower-cased
    std::size_t pos;
    bool operator==(const Found& other) const { return address == other.address && pos == other.pos; }
};

// Every address the scanner finds in text.
std::vector<Found> findAddresses(std::string_view text)
{
    std::vector<Found> found;
    AddressScanner scanner(text);
    for (AddressSpan span; scanner.next(span);)
    {
        EXPECT_EQ(span.address[span.at], '@');
        found.push_back({foldedDomain(span), span.pos});
    }
    return found;
}

} // namespace

TEST(TextScan, FindsStatusCodes)
{
    struct Row { const char* in; const char* want; };
    const Row rows[] = {
        {"550 5.1.1 <a@b.example>: User unknown", "5.1.1"},
        {"Status: 4.4.7", "4.4.7"},
        {"5.7.509 Access denied", "5.7.509"},
        {"host 192.0.2.153 said no", ""},            // an IP address is not a status
        {"version 5.1.1.4", ""},
        {"3.1.1 is not a class", ""},
        {"", ""},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(findStatusCode(row.in), row.want);
    }
}

TEST(TextScan, FindsReplyCodes)
{
    struct Row { const char* in; const char* want; };
    const Row rows[] = {
        {"550 5.1.1 User unknown", "550"},
        {"said: 552-5.2.2 full", "552"},
        {"port 25000 is open", ""},
        {"id 5501", ""},
        {"", ""},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(findReplyCode(row.in), row.want);
    }
}

TEST(TextScan, NormalisesAddresses)
{
    struct Row { const char* in; const char* want; };
    const Row rows[] = {
        {"rfc822; <User@Example.ORG>", "User@example.org"},
        {"utf-8; kijitora@example.jp", "kijitora@example.jp"},
        {" kijitora@example.jp>", "kijitora@example.jp"},
        {"\"a..b\"@example.org", "\"a..b\"@example.org"},
        {"rfc822; nobody", ""},
        {"", ""},
        // Only the domain is lower-cased, also when it is too long for a short string.
        {"Kiji.Tora@MX1.Mail.Subdomain.EXAMPLE.JP", "Kiji.Tora@mx1.mail.subdomain.example.jp"},
        {"A@B.CO", "A@b.co"},
        {"<X@\xC3\x89XAMPLE.org>", "X@\xC3\x89xample.org"},   // ASCII only
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(normaliseAddress(row.in), row.want);
    }
}

TEST(TextScan, LowerCasesOnlyTheDomainOfFoundAddresses)
{
    struct Row { const char* in; const char* want; };
    const Row rows[] = {
        {"to <Kiji.Tora@MX1.Mail.Subdomain.EXAMPLE.JP>:", "Kiji.Tora@mx1.mail.subdomain.example.jp"},
        {"A@B.CO", "A@b.co"},
        {"USER@EXAMPLE.ORG.", "USER@example.org"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.in);
        const auto found = findAddresses(row.in);
        ASSERT_EQ(found.size(), 1u);
        EXPECT_EQ(found[0].address, row.want);
    }
}

TEST(TextScan, FindsAddressesInProse)
{
    const auto found = findAddresses("Delivery to <a.b@Example.org> and c@d.example failed; ip@192.0.2.1 is not one");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].address, "a.b@example.org");
    EXPECT_EQ(found[1].address, "c@d.example");
}

TEST(TextScan, NormalisesLineEnds)
{
    const struct
    {
        std::string in;
        std::size_t maxBytes;
        std::string expected;
    } cases[] = {
        {"a\r\nb\rc\n", 100, "a\nb\nc\n"},
        {"abcdef", 3, "abc"},
        {"", 10, ""},
        {"\r", 10, "\n"},
        {"\r\r\n\n", 10, "\n\n\n"},
        {"1234567\r\n89", 100, "1234567\n89"},           // CR at the last byte of a word
        {"12345678\r\nabcdefgh\r", 100, "12345678\nabcdefgh\n"},  // CR first in a word, CR last
        {"1234567\r", 8, "1234567\n"},                    // cut before the LF of a CRLF
        {"\r\n\r\n\r\n\r\n\r\n", 100, "\n\n\n\n\n"},
    };
    for (const auto& c : cases)
        EXPECT_EQ(normaliseLineEnds(c.in, c.maxBytes), c.expected) << c.in;
    // Runs longer than a vector register between the CRs, in place too.
    const std::string line(100, 'x');
    std::string text = line + "\r\n" + line + "\r" + line + "\n\r\n" + line;
    const std::string want = line + "\n" + line + "\n" + line + "\n\n" + line;
    EXPECT_EQ(normaliseLineEnds(text, text.size()), want);
}

TEST(TextScan, DropsContinuationCodes)
{
    EXPECT_EQ(collapseDiagnostic("550-5.7.1 Messages with multiple\n550-5.7.1 addresses\n550 5.7.1 in From", 1000),
              "550-5.7.1 Messages with multiple addresses in From");
}

TEST(TextScan, FindsSmtpCommand)
{
    struct Row { const char* in; const char* want; };
    const Row rows[] = {
        {"550 x (in reply to RCPT TO command)", "RCPT"},
        {"SMTP error from remote mail server after end of data:", "DATA"},
        {"after MAIL FROM:<a@b.example> SIZE=1", "MAIL"},
        {"no command here", ""},
        // The phrase that starts first wins, whichever row it is; case is ignored.
        {"after RCPT TO: 550 ... in reply to end of DATA", "RCPT"},
        {"IN REPLY TO END OF DATA", "DATA"},
        {"x[MAIL_FROM]", "MAIL"},
        // A Sendmail transcript: the command the first 4xx/5xx reply answers. DATA gets
        // one reply; when a second follows before the next command, DATA was pipelined
        // behind the RCPT the first one answered (RFC 2920). Continuation lines
        // ("550-...") are one reply.
        {">>> MAIL From:<a@b.example>\n<<< 250 ok\n>>> RCPT To:<c@d.example>\n<<< 550 5.1.1 unknown\n", "RCPT"},
        {">>> DATA\n<<< 550 Unknown user c@d.example\n554 5.0.0 Service unavailable\n", "DATA"},
        {">>> DATA\n<<< 550 5.1.1 <c@d.example>... User unknown\n<<< 503 5.0.0 Need RCPT (recipient)\n", "RCPT"},
        {">>> DATA\n<<< 550 <c@d.example>: User unknown\n550 5.1.1 <c@d.example>... User unknown\n"
         "<<< 554 Error: no valid recipients\n", "RCPT"},
        {">>> DATA\n<<< 550-5.7.1 Unauthenticated email is not accepted\n<<< 550-5.7.1 due to DMARC\n"
         "<<< 550 5.7.1 policy. - gsmtp\n554 5.0.0 Service unavailable\n", "DATA"},
        {">>> DATA\n<<< 451 try later\n... while talking to b.example.:\n<<< 421 closing\n", "DATA"},
        {">>> DATA\n<<< 550 no\n>>> QUIT\n<<< 221 bye\n", "DATA"},
        {">>> EHLO a.example\n<<< 554 go away\n", "HELO"},
        {">>> QUIT\n<<< 421 closing\n", ""},
        {">>> DATA", ""},
        // A phrase cut short by the end of the text, and texts under three bytes.
        {"refused to talk to m", ""},
        {"after dat", ""},
        {"af", ""},
        {"", ""},
        // Only A-Z fold: a byte that is not 'A' does not start "after".
        {"\xc1" "fter data", ""},
        {"\xc1" "after data", "DATA"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(findSmtpCommand(row.in), row.want);
    }
}

TEST(TextScan, FindsRemoteHost)
{
    const std::pair<const char*, const char*> rows[] = {
        {"... while talking to MX03.Example.ORG.:\n>>> DATA\n<<< 550 Unknown user", "mx03.example.org"},
        {"<a@b.example>: host mx.b.example[192.0.2.2] said: 550 5.1.1 unknown", "mx.b.example"},
        {"SMTP error from remote mail server after RCPT TO:<a@b.example>:\n    host mx.b.example [192.0.2.20]: 552",
         "mx.b.example"},
        {"<a@b.example>:\n    mfsmax.b.example [192.0.2.45]:\n>>> DATA\n<<< 550 Unknown user", "mfsmax.b.example"},
        {"host mx6.b.example[2001:db8::25] said: 550", "mx6.b.example"},
        // The first one named, whichever form.
        {"host first.example[192.0.2.1] said: 451 try later ... while talking to second.example.:", "first.example"},
        // The client the message came from, an address alone, a name without a dot: none.
        {"The original message was received at Mon, 7 Dec 2026\nfrom client.a.example [192.0.2.77]\n", ""},
        {"Remote host said: 550 [192.0.2.1] blocked", ""},
        {"host localhost[127.0.0.1] said: 550", ""},
        {"see [RFC 5321] and [note]", ""},
        {"", ""},
    };
    for (const auto& [text, want] : rows)
        EXPECT_EQ(findRemoteHost(text), want) << text;
}

TEST(TextScan, CollapsesSpaceAndLowerCases)
{
    EXPECT_EQ(collapseSpace("  a \t\n b  ", 100), "a b");
    EXPECT_EQ(collapseSpace("ab c", 3), "ab ");   // the bound cuts after the space
    // Words are copied whole; the bound may fall inside one, on a space, or at the end.
    EXPECT_EQ(collapseSpace("", 10), "");
    EXPECT_EQ(collapseSpace(" \t\n\v\f\r ", 10), "");
    EXPECT_EQ(collapseSpace("one\v\ftwo\r\nthree", 100), "one two three");
    EXPECT_EQ(collapseSpace("abcdef ghi", 4), "abcd");
    EXPECT_EQ(collapseSpace("  abc   def", 4), "abc ");
    EXPECT_EQ(collapseSpace("abc def", 7), "abc def");
    EXPECT_EQ(collapseSpace("abc def", 0), "");
    EXPECT_EQ(collapseSpace("a\x01b \xC3\xA9", 100), "a\x01b \xC3\xA9");  // only white space is
    EXPECT_EQ(toLower("MiXeD \xc3\x89"), "mixed \xc3\x89");   // ASCII only
}

TEST(TextScan, TellsCollapsedText)
{
    // Collapsed exactly when collapseSpace would return it unchanged.
    struct Row { const char* in; bool collapsed; };
    const Row rows[] = {
        {"", true},
        {"a", true},
        {"550 5.1.1 User unknown", true},
        {"a\x01b \xC3\xA9", true},   // only white space counts
        {" a", false},
        {"a ", false},
        {" ", false},
        {"a  b", false},
        {"a\tb", false},
        {"a\nb", false},
        {"a\rb", false},
        {"a\vb", false},
        {"a\fb", false},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(isCollapsed(row.in), row.collapsed);
        EXPECT_EQ(isCollapsed(row.in), collapseSpace(row.in, 100) == row.in);
    }
}

TEST(TextScan, FindsAddressesWithEveryLocalPartCharacter)
{
    const auto found = findAddresses("<A.b!#$%&'*+/=?^_`{|}~-9@Sub-Dom_ain.Example.ORG>, (x@Y.example.com)");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].address, "A.b!#$%&'*+/=?^_`{|}~-9@sub-dom_ain.example.org");
    EXPECT_EQ(found[0].pos, 1u);
    EXPECT_EQ(found[1].address, "x@y.example.com");
    EXPECT_EQ(found[1].pos, 52u);
    // Characters outside the sets end the parts: '"', '(' and ',' before, '+' after.
    EXPECT_EQ(firstAddress("x\"q\"@a.example+b"), "");   // a quote inside a word starts nothing
    EXPECT_EQ(firstAddress("(\"@a.example"), "");
    EXPECT_EQ(firstAddress("q@A.Example+b"), "q@a.example");
}

TEST(TextScan, FindsQuotedLocalParts)
{
    // RFC 5321 4.1.2: a local part may be a quoted string, dots and blanks included.
    EXPECT_EQ(firstAddress("<\"neko....nyaan\"@Example.ORG>: host said"), "\"neko....nyaan\"@example.org");
    EXPECT_EQ(firstAddress("to \"a b\"@example.org failed"), "\"a b\"@example.org");
    EXPECT_EQ(firstAddress("\"q\"@a.example+b"), "\"q\"@a.example");
    // No quote, backslash or control byte inside; an empty string is no local part.
    EXPECT_EQ(firstAddress("\"a\\\"b\"@example.org"), "");
    EXPECT_EQ(firstAddress("\"a\nb\"@example.org"), "");
    EXPECT_EQ(firstAddress("\"\"@example.org"), "");
}

TEST(TextScan, CollapsesDiagnosticsThenDropsRepeatedCodes)
{
    // The text is collapsed and cut at the bound first; then the codes repeated at
    // the start of continuation lines go, and a status right after a dropped code.
    struct Row { const char* text; std::size_t bound; const char* want; };
    for (const Row& row : {Row{"", 1000, ""}, Row{"  ", 1000, ""},
                           Row{"550 5.1.1 unknown", 1000, "550 5.1.1 unknown"}, Row{"550 5.1.1 unknown", 6, "550 5."},
                           Row{"550-5.7.1 a\n550-5.7.1 b\n550 5.7.1 c", 1000, "550-5.7.1 a b c"},
                           Row{"550-5.7.1 a\n550-5.7.1 b\n550 5.7.1 c", 6, "550-5."},
                           Row{"no code here", 1000, "no code here"}, Row{"250 ok 550 no", 1000, "250 ok 550 no"},
                           Row{"250 ok 550 no", 6, "250 ok"}, Row{" 550 x 550 ", 1000, "550 x"},
                           Row{"550 a 550 5.1.1 b 5.1.1", 1000, "550 a b 5.1.1"},
                           Row{"x550 421-4.7.0 try\r\n421-4.7.0 later", 1000, "x550 421-4.7.0 try later"},
                           Row{"x550 421-4.7.0 try\r\n421-4.7.0 later", 6, "x550 4"},
                           Row{"(421) busy 421 4.2.1 full", 1000, "(421) busy 421 4.2.1 full"},
                           Row{"(421) busy 421 4.2.1 full", 6, "(421)"}, Row{"550 x", 0, ""}})
    {
        SCOPED_TRACE(std::string(row.text) + " bound " + std::to_string(row.bound));
        std::string reply = "?";
        const std::string diagnostic = collapseDiagnostic(row.text, row.bound, &reply);
        EXPECT_EQ(diagnostic, row.want);
        EXPECT_EQ(reply, findReplyCode(diagnostic));
        EXPECT_EQ(collapseDiagnostic(row.text, row.bound), diagnostic);
    }
}

TEST(TextScan, ReadsLines)
{
    using Lines = std::vector<std::string_view>;
    const std::pair<const char*, Lines> rows[] = {{"", {}}, {"a", {"a"}}, {"a\n", {"a"}}, {"a\n\nb", {"a", "", "b"}},
                                                  {"\n\n", {"", ""}}, {"a\nb\n", {"a", "b"}}};
    for (const auto& [text, want] : rows)
    {
        SCOPED_TRACE(text);
        Lines read;
        LineReader lines(text);
        for (std::string_view line; lines.next(line);)
            read.push_back(line);
        EXPECT_EQ(read, want);
    }
}

TEST(TextScan, FindsReplyCodesBetweenDigits)
{
    EXPECT_EQ(findReplyCode("id 12345 then 550 no"), "550");
    EXPECT_EQ(findReplyCode("x550"), "");
    EXPECT_EQ(findReplyCode("(421)"), "421");
    EXPECT_EQ(findReplyCode("5500 552"), "552");
}

TEST(TextScan, TrimsWhiteSpaceAndComparesCaseBlind)
{
    struct Row { std::string_view in; std::string_view trimmed; };
    const Row rows[] = {
        {"", ""},
        {" \t\n\v\f\r", ""},
        {"  a b  ", "a b"},
        {"\va\f", "a"},
        {"a", "a"},
        {std::string_view("\0a\0", 3), std::string_view("\0a\0", 3)},   // NUL is no white space
        {"\xA0x\x85", "\xA0x\x85"},                                       // nor are 8-bit bytes
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(std::string(row.in));
        EXPECT_EQ(trim(row.in), row.trimmed);
    }
    struct Pair { std::string_view a; std::string_view b; bool equal; };
    const Pair pairs[] = {
        {"", "", true},
        {"Content-Type", "content-type", true},
        {"FROM", "from", true},
        {"From", "Fro", false},
        {"From", "Frog", false},
        {"\xC3\x89", "\xC3\xA9", false},   // ASCII only
        {"a[", "A{", false},               // '[' and '{' are not one letter's cases
    };
    for (const auto& p : pairs)
    {
        SCOPED_TRACE(std::string(p.a) + " / " + std::string(p.b));
        EXPECT_EQ(iequals(p.a, p.b), p.equal);
    }
}

TEST(TextScan, NormalisesQuotedAndBlankAddresses)
{
    // A quoted local part is one with '"' right before an '@' anywhere; only it may
    // hold blanks, and it keeps its quotes at both ends.
    const std::pair<const char*, const char*> rows[] = {
        {"\"a b\"@Example.org", "\"a b\"@example.org"},
        {"a b@example.org", ""},
        {"a\tb@example.org", ""},
        {"\"a\" b@example.org", ""},                    // a '"' not before the '@' quotes nothing
        {"x\"\"@y.example", "x\"\"@y.example"},         // the second '"' is the one
        {"\"@x.example", "\"@x.example"},
        {"rfc822; \"a\"@B.example\"", "\"a\"@b.example\""},
        {"dns;  mx example@x.org", ""},
        {"'(\"q\"@X.Example)'", "\"q\"@x.example"},
        {"\"\"", ""},
        {"\"@", ""},
    };
    for (const auto& [in, want] : rows)
        EXPECT_EQ(normaliseAddress(in), want) << in;
}

TEST(TextScan, AddressScannerFindsPlausibleAddressesInOrder)
{
    const std::pair<const char*, std::vector<Found>> rows[] = {
        {"", {}},
        {"@", {}},
        {"a@b", {}},
        {"x@y.example.com", {{"x@y.example.com", 0}}},
        {"<A.b@Sub.Example.ORG>, (x@Y.example.com)", {{"A.b@sub.example.org", 1}, {"x@y.example.com", 24}}},
        {"@@a@b.cd@@e@f.gh", {{"a@b.cd", 2}, {"e@f.gh", 10}}},
        {".=q@a.example- and ip@192.0.2.1 then Z@Q.Example.", {{"q@a.example", 2}, {"Z@q.example", 37}}},
        {"\"q\"@a.example+b", {{"\"q\"@a.example", 0}}},
        {"a@b.c d@e.fg h@i.jk", {{"d@e.fg", 6}, {"h@i.jk", 13}}},
    };
    for (const auto& [text, want] : rows)
    {
        SCOPED_TRACE(text);
        EXPECT_EQ(findAddresses(text), want);
        EXPECT_EQ(firstAddress(text), want.empty() ? std::string() : want.front().address);
    }
}

// An address's local part is read back at most 128 bytes from its '@', its domain at
// most 255 bytes on, wherever the text starts and ends.
TEST(TextScan, AddressScannerBoundsLocalPartsAndDomains)
{
    for (const std::string_view before : {"", "<", "x y "})
        for (const std::string_view after : {"", ">", " z"})
            for (std::size_t localLength = 1; localLength <= 132; ++localLength)
                for (std::size_t domainLength = 2; domainLength <= 262; domainLength += localLength % 7 + 1)
                {
                    const std::string local(localLength, 'l');
                    const std::string domain = "ab." + std::string(domainLength, 'c');
                    const std::string text = std::string(before) + local + "@" + domain + std::string(after);
                    AddressScanner scanner(text);
                    AddressSpan span;
                    ASSERT_TRUE(scanner.next(span)) << text;
                    const std::size_t keptLocal = std::min<std::size_t>(localLength, 128);
                    EXPECT_EQ(span.address, local.substr(0, keptLocal) + "@" + domain.substr(0, 255)) << text;
                    EXPECT_EQ(span.pos, before.size() + localLength - keptLocal);
                    EXPECT_EQ(span.at, keptLocal);
                }
}
