// TextScanTest: the scanners that find addresses and codes in returned mail.
#include "verpmail/bounce/TextScan.h"
#include "AsciiCaseModel.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace verpmail::bounce;

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

namespace {

// findStatusCode as a byte at a time: the first "c.s.d" with c 2, 4 or 5 and one to
// three digits each in s and d, not after a digit or a dot, not before a digit or a
// dot and a digit, and starting at least five bytes before the end.
std::string statusCodeByteModel(std::string_view text)
{
    const auto digit = [](std::string_view t, std::size_t k) { return k < t.size() && t[k] >= '0' && t[k] <= '9'; };
    for (std::size_t i = 0; i + 5 <= text.size(); ++i)
    {
        if ((text[i] != '2' && text[i] != '4' && text[i] != '5') || text[i + 1] != '.')
            continue;
        if (i > 0 && (digit(text, i - 1) || text[i - 1] == '.'))
            continue;
        std::size_t j = i + 2;
        while (digit(text, j))
            ++j;
        if (j - (i + 2) < 1 || j - (i + 2) > 3 || j >= text.size() || text[j] != '.')
            continue;
        const std::size_t detail = ++j;
        while (digit(text, j))
            ++j;
        if (j - detail < 1 || j - detail > 3)
            continue;
        if (digit(text, j) || (j < text.size() && text[j] == '.' && digit(text, j + 1)))
            continue;
        return std::string(text.substr(i, j - i));
    }
    return {};
}

} // namespace

// Blocks without a dot are passed over, sixteen starts are tested at once (SSE2),
// then dots are searched for: codes at
// every offset of texts either side of 16 and 18 bytes, near the end, after and
// before digits and dots, with runs of digits too long, and bytes near '0' and '9'.
TEST(TextScan, FindsStatusCodesAsAByteAtATimeWould)
{
    std::mt19937 random(2026);
    static const char kBytes[] = "ab .:-\n\x2f\x3a\xae\xb2\xb5\x80" "0123456789......";
    const char* const codes[] = {"5.1.1", "4.4.7", "2.0.0", "5.7.509", "5.1234.1", "3.1.1", "5..1", "5.1.1.4", "4.2.2."};
    for (int round = 0; round < 100000; ++round)
    {
        std::string text;
        const std::size_t length = random() % (round % 2 ? 30 : 100);
        for (std::size_t i = 0; i < length; ++i)
            text.push_back(random() % 3 == 0 ? 'x' : kBytes[random() % (sizeof(kBytes) - 1)]);
        for (auto k = random() % 3; k > 0; --k)
            text.insert(random() % (text.size() + 1), codes[random() % (sizeof(codes) / sizeof(codes[0]))]);
        ASSERT_EQ(findStatusCode(text), statusCodeByteModel(text)) << text;
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

// An address with a blank (' ' or '\t') inside is none, unless its local part is
// quoted; other white space and bytes near the blanks' values do not count. The
// blanks are looked for eight bytes at a time: a blank at every offset of addresses
// of 5 to 48 bytes (either side of 8, 16, 24, 32, 40), as the only flaw.
TEST(TextScan, RefusesAddressesWithABlankAtAnyOffset)
{
    for (std::size_t localLength = 1; localLength <= 30; ++localLength)
        for (const std::string domain : {"b.c", "example.org", "mx1.example.co.jp"})
        {
            const std::string address = std::string(localLength, 'u') + "@" + domain;
            ASSERT_EQ(normaliseAddress(address), address);
            for (std::size_t pos = 1; pos + 1 < address.size(); ++pos)
                for (const char flaw : {' ', '\t', '\n', '\x1f', '!', '\xa0', '\x89'})
                {
                    if (address[pos] == '@')
                        continue;
                    std::string flawed = address;
                    flawed[pos] = flaw;
                    const bool blank = flaw == ' ' || flaw == '\t';
                    SCOPED_TRACE(::testing::PrintToString(flawed));
                    ASSERT_EQ(normaliseAddress(flawed), blank ? "" : flawed);
                    const std::size_t at = flawed.find('@');
                    const std::string quoted = "\"" + flawed.substr(0, at) + "\"" + flawed.substr(at);
                    ASSERT_EQ(normaliseAddress(quoted), quoted);
                }
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
    EXPECT_EQ(text.substr(0, normaliseLineEndsInto(text, text.data())), want);
}

TEST(TextScan, NormalisesLineEndsAsAByteAtATimeWould)
{
    // The word-at-a-time copy against the plain rule, on texts dense in CR and LF at
    // every offset.
    const auto model = [](const std::string& text) {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i)
        {
            if (text[i] != '\r')
                out += text[i];
            else
            {
                out += '\n';
                if (i + 1 < text.size() && text[i + 1] == '\n')
                    ++i;
            }
        }
        return out;
    };
    std::uint32_t seed = 7;
    const char alphabet[] = {'\r', '\n', 'a', 'B', '\xc3', ' '};
    for (int round = 0; round < 5000; ++round)
    {
        std::string text;
        seed = seed * 1664525u + 1013904223u;
        const std::size_t length = seed % 40;
        for (std::size_t i = 0; i < length; ++i)
        {
            seed = seed * 1664525u + 1013904223u;
            text += alphabet[(seed >> 16) % sizeof alphabet];
        }
        ASSERT_EQ(normaliseLineEnds(text, text.size()), model(text)) << round;
        // Into a buffer of its own and in place, by normaliseLineEndsInto.
        std::string buffer(text.size(), '#');
        ASSERT_EQ(std::string(buffer.data(), normaliseLineEndsInto(text, buffer.data())), model(text)) << round;
        std::string inPlace = text;
        ASSERT_EQ(inPlace.substr(0, normaliseLineEndsInto(inPlace, inPlace.data())), model(text)) << round;
    }
}

TEST(TextScan, DropsContinuationCodes)
{
    EXPECT_EQ(dropContinuationCodes("550-5.7.1 Messages with multiple 550-5.7.1 addresses 550 5.7.1 in From"),
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
        {">>> DATA", "DATA"},
        {">> data", ""},
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
    std::string mixed = "MiXeD \xc3\x89";
    lowerInPlace(mixed);
    EXPECT_EQ(mixed, "mixed \xc3\x89");   // ASCII only
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

namespace {

// collapseSpace a byte at a time: blanks between words become one, none at either end,
// and the output stops at maxBytes.
std::string collapseByteModel(std::string_view text, std::size_t maxBytes)
{
    std::string out;
    bool pendingBlank = false;
    for (const char c : text)
    {
        if (out.size() >= maxBytes)
            break;
        if (isSpace(c))
        {
            pendingBlank = !out.empty();
            continue;
        }
        if (pendingBlank)
        {
            out.push_back(' ');
            pendingBlank = false;
            if (out.size() >= maxBytes)
                break;
        }
        out.push_back(c);
    }
    return out;
}

} // namespace

// collapseSpace and isCollapsed read eight bytes at a time; a byte-at-a-time model
// says what they must return for every length, bound and position of white space,
// control bytes and 8-bit bytes (words that cross, end at or fill an 8-byte block).
TEST(TextScan, CollapsesLikeTheByteModel)
{
    const char alphabet[] = {'a', 'a', 'a', 'Z', ' ', ' ', '\t', '\n', '\r', '\v', '\f', '\x01', '\x1f', '!',
                             '\x80', '\xa0', '\xff', '\0'};
    std::uint32_t seed = 12345;
    auto next = [&seed] { return (seed = seed * 1103515245u + 12345u) >> 16; };
    for (int round = 0; round < 20000; ++round)
    {
        std::string text(next() % 40, 'a');
        for (char& c : text)
            c = alphabet[next() % sizeof alphabet];
        const std::size_t bound = next() % 45;
        SCOPED_TRACE(::testing::PrintToString(text) + " bound " + std::to_string(bound));
        ASSERT_EQ(collapseSpace(text, bound), collapseByteModel(text, bound));
        ASSERT_EQ(isCollapsed(text), collapseByteModel(text, text.size()) == text);
    }
}

// collapseSpace copies runs already collapsed sixteen bytes at a time: long texts of
// words with single blanks, broken now and then by other white space, at every bound,
// so that runs end at, before and after a block's last byte and at the bound.
TEST(TextScan, CollapsesLongCollapsedRunsLikeTheByteModel)
{
    const char rare[] = {' ', ' ', '\t', '\n', '\r', '\v', '\f', '\x08', '\x0e', '\x01', '\x80', '\x89', '\x8d', '\xa0'};
    std::uint32_t seed = 777;
    auto next = [&seed] { return (seed = seed * 1103515245u + 12345u) >> 16; };
    for (int round = 0; round < 20000; ++round)
    {
        std::string text;
        const std::size_t length = next() % 120;
        const std::size_t wordLength = 1 + next() % 9;
        const std::size_t rareEvery = 2 + next() % 40;
        while (text.size() < length)
        {
            if (next() % rareEvery == 0)
                text.push_back(rare[next() % sizeof rare]);
            else
            {
                text.append(1 + next() % wordLength, static_cast<char>('a' + next() % 26));
                text.push_back(' ');
            }
        }
        const std::size_t bound = next() % 2 ? next() % 130 : 1000;
        SCOPED_TRACE(::testing::PrintToString(text) + " bound " + std::to_string(bound));
        ASSERT_EQ(collapseSpace(text, bound), collapseByteModel(text, bound));
        ASSERT_EQ(isCollapsed(text), collapseByteModel(text, text.size()) == text);
    }
}

// Case is folded eight bytes at a time: only A-Z change, whatever their neighbours
// in the byte table ('@', '[', '`', '{') or their 8-bit twins (0xC1 = 'A' | 0x80).
TEST(TextScan, LowerCasesOnlyAsciiLettersAtEveryOffset)
{
    std::string all;
    for (int c = 0; c < 256; ++c)
        all.push_back(static_cast<char>(c));
    for (std::size_t from = 0; from < 9; ++from)
    {
        const std::string text = all.substr(from) + "MiXeD@ExAmPlE.ORG";
        std::string expected = text;
        for (char& c : expected)
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
        std::string lowered = text;
        lowerInPlace(lowered);
        EXPECT_EQ(lowered, expected);
        EXPECT_EQ(toLower(text), expected);
    }
    // Every length to 40 (words, their overlapping last one, two four-byte halves, a
    // byte loop) from every start of a string of letters and their neighbours.
    for (std::size_t from = 0; from < 8; ++from)
        for (std::size_t length = 0; length <= 40; ++length)
        {
            std::string text = "QRSTUVWX" + all.substr(0x3c, 0x80 - 0x3c) + "YZ";
            std::string expected = text;
            for (std::size_t i = from; i < from + length; ++i)
                if (expected[i] >= 'A' && expected[i] <= 'Z')
                    expected[i] = static_cast<char>(expected[i] - 'A' + 'a');
            std::string lowered = toLower(std::string_view(text).substr(from, length));
            ASSERT_EQ(lowered, expected.substr(from, length)) << from << " " << length;
        }
    // In place, a domain of every length to 24 is folded and the local part before it
    // is not.
    for (std::size_t length = 3; length <= 24; ++length)
    {
        std::string domain = "AB" + std::string(length - 3, 'C') + ".D";
        std::string address = "LOCAL@" + domain;
        for (char& c : domain)
            if (c != '.')
                c = static_cast<char>(c - 'A' + 'a');
        ASSERT_TRUE(normaliseAddressInPlace(address));
        ASSERT_EQ(address, "LOCAL@" + domain);
        ASSERT_EQ(normaliseAddress("X@" + domain), "X@" + domain);
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
    EXPECT_EQ(firstAddress("\"q\"@a.example+b"), "");   // the local part "" is empty
    EXPECT_EQ(firstAddress("q@A.Example+b"), "q@a.example");
}

TEST(TextScan, CollapsesDiagnosticsAsCollapseThenDrop)
{
    for (const char* text : {"", "  ", "550 5.1.1 unknown", "550-5.7.1 a\n550-5.7.1 b\n550 5.7.1 c",
                             "no code here", "250 ok 550 no", " 550 x 550 ", "550 a 550 5.1.1 b 5.1.1",
                             "x550 421-4.7.0 try\r\n421-4.7.0 later", "(421) busy 421 4.2.1 full"})
    {
        for (const std::size_t bound : {std::size_t{1000}, std::size_t{6}, std::size_t{0}})
        {
            SCOPED_TRACE(std::string(text) + " bound " + std::to_string(bound));
            std::string reply = "?";
            const std::string diagnostic = collapseDiagnostic(text, bound, &reply);
            EXPECT_EQ(diagnostic, dropContinuationCodes(collapseSpace(text, bound)));
            EXPECT_EQ(reply, findReplyCode(diagnostic));
            EXPECT_EQ(collapseDiagnostic(text, bound), diagnostic);
        }
    }
}

TEST(TextScan, NormalisesCrlfTextIntoABufferOfItsOwnAsInPlace)
{
    // A CRLF message (a CR every line) into a buffer of its own is copied sixteen
    // bytes at a time: lines of every length around the block size, a CR or CRLF
    // as the last byte of a block and of the text; the result is the in-place one
    // (the run copy) and no byte past the room promised is written.
    std::uint32_t seed = 23;
    const auto next = [&seed]() {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    for (int round = 0; round < 2000; ++round)
    {
        std::string text;
        const std::size_t lines = next() % 12;
        for (std::size_t l = 0; l < lines; ++l)
        {
            text.append(next() % 40, static_cast<char>('A' + l % 26));
            const std::uint32_t end = next() % 8;
            text += end == 0 ? "\r" : end == 1 ? "\n" : end == 2 ? "\r\r\n" : "\r\n";
        }
        text.append(next() % 20, '\xe9');
        if (next() % 3 == 0)
            text += '\r';
        std::string inPlace = text;
        inPlace.resize(normaliseLineEndsInto(inPlace, inPlace.data()));
        std::string buffer(text.size() + 16, '#');
        const std::size_t size = normaliseLineEndsInto(text, buffer.data());
        ASSERT_EQ(buffer.substr(0, size), inPlace) << round;
        ASSERT_EQ(buffer.substr(text.size()), std::string(16, '#')) << round;
        ASSERT_EQ(inPlace.find('\r'), std::string::npos) << round;
    }
}

TEST(TextScan, NormalisesAndSplitsLongLinesAsAByteAtATimeWould)
{
    // Lines either side of the 64 bytes searched at once (swar::findByte) and texts
    // shorter than that, with CR and LF sparse: normalised against the plain rule,
    // then read by LineReader and splitLines against a byte-at-a-time split.
    std::uint32_t seed = 11;
    const auto next = [&seed]() {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    for (int round = 0; round < 3000; ++round)
    {
        std::string text;
        const std::size_t length = next() % 300;
        const std::uint32_t spacing = 1 + next() % 150;
        for (std::size_t i = 0; i < length; ++i)
        {
            const std::uint32_t r = next() % (spacing * 2);
            text += r == 0 ? '\r' : r == 1 ? '\n' : static_cast<char>('a' + r % 26);
        }
        std::string model;
        for (std::size_t i = 0; i < text.size(); ++i)
        {
            model += text[i] == '\r' ? '\n' : text[i];
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
        }
        std::string inPlace = text;
        ASSERT_EQ(inPlace.substr(0, normaliseLineEndsInto(inPlace, inPlace.data())), model) << round;
        // Into a buffer of its own, with guard bytes after the room promised.
        std::string buffer(text.size() + 32, '#');
        ASSERT_EQ(buffer.substr(0, normaliseLineEndsInto(text, buffer.data())), model) << round;
        ASSERT_EQ(buffer.substr(text.size()), std::string(32, '#')) << round;

        std::vector<std::string_view> modelLines;
        for (std::size_t start = 0, i = 0; i <= model.size(); ++i)
            if (i == model.size() ? start < i : model[i] == '\n')
            {
                modelLines.push_back(std::string_view(model).substr(start, i - start));
                start = i + 1;
            }
        ASSERT_EQ(splitLines(model), modelLines) << round;
        std::vector<std::string_view> read;
        LineReader lines(model);
        for (std::string_view line; lines.next(line);)
            read.push_back(line);
        ASSERT_EQ(read, modelLines) << round;
    }
}

TEST(TextScan, ReadsLinesLikeSplitLines)
{
    for (const char* text : {"", "a", "a\n", "a\n\nb", "\n\n", "a\nb\n"})
    {
        SCOPED_TRACE(text);
        std::vector<std::string_view> read;
        LineReader lines(text);
        for (std::string_view line; lines.next(line);)
            read.push_back(line);
        EXPECT_EQ(read, splitLines(text));
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

TEST(TextScan, ComparesIgnoringCaseAsAByteAtATimeWould)
{
    // Eight bytes at a time, the last word overlapping: strings of every length to
    // 40 that differ (or not) in one byte anywhere, by its case bit or otherwise,
    // among letters, the bytes next to A-Z and a-z, and 8-bit bytes.
    const auto model = test::equalsIgnoringAsciiCase;
    const char alphabet[] = {'a', 'Z', 'q', 'M', '@', '[', '`', '{', '-', '\xc1', '\xe1', '\x80', '\0', ':'};
    std::uint32_t seed = 3;
    const auto next = [&seed]() {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    for (int round = 0; round < 20000; ++round)
    {
        const std::size_t n = next() % 41;
        std::string a;
        for (std::size_t i = 0; i < n; ++i)
            a += alphabet[next() % sizeof(alphabet)];
        std::string b = a;
        for (char& c : b)   // the other case, here and there
            if (next() % 3 == 0 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                c = static_cast<char>(c ^ 0x20);
        if (n != 0 && next() % 2)
        {
            char& c = b[next() % n];
            const std::uint32_t how = next() % 3;
            c = how == 0 ? static_cast<char>(c ^ 0x20) : how == 1 ? alphabet[next() % sizeof(alphabet)]
                                                                 : static_cast<char>(c ^ (1 << (next() % 8)));
        }
        // Views into longer strings: bytes past the ends must not count.
        const std::string paddedA = a + "xY", paddedB = b + "Qz";
        const std::string_view va(paddedA.data(), n), vb(paddedB.data(), n);
        ASSERT_EQ(iequals(va, vb), model(a, b)) << round << ": " << a << " / " << b;
        ASSERT_EQ(iequals(vb, va), model(a, b)) << round;
        if (n != 0)
        {
            ASSERT_FALSE(iequals(va, std::string_view(paddedB.data(), n - 1))) << round;
        }
    }
}

namespace {

// The token-by-token dropContinuationCodes the jumping one replaced: the model it must
// match on every input.
std::string dropContinuationCodesModel(std::string_view collapsed)
{
    const std::string code = findReplyCode(collapsed);
    if (code.empty())
        return std::string(collapsed);
    const std::string status = findStatusCode(collapsed);
    std::string out;
    bool seenCode = false;
    bool skippedCode = false;
    std::size_t pos = 0;
    while (pos < collapsed.size())
    {
        std::size_t end = collapsed.find(' ', pos);
        if (end == std::string_view::npos)
            end = collapsed.size();
        const std::string_view token = collapsed.substr(pos, end - pos);
        pos = end + 1;
        const bool isCode = token.substr(0, 3) == code && (token.size() == 3 || token[3] == '-');
        bool skip = false;
        if (isCode)
        {
            skip = seenCode;
            seenCode = true;
            skippedCode = skip;
        }
        else
        {
            skip = skippedCode && !status.empty() && token == status;
            skippedCode = false;
        }
        if (skip)
            continue;
        if (!out.empty())
            out.push_back(' ');
        out.append(token);
    }
    return out;
}

std::string randomText(std::uint32_t& seed, const std::vector<std::string_view>& pieces, std::size_t maxPieces)
{
    const auto next = [&seed]() {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    std::string text;
    const std::size_t count = next() % (maxPieces + 1);
    for (std::size_t i = 0; i < count; ++i)
        text += pieces[next() % pieces.size()];
    return text;
}

} // namespace

TEST(TextScan, DropsContinuationCodesLikeTheTokenModel)
{
    const std::vector<std::string_view> pieces = {
        "550", "550-", "550 ", "5.1.1", "5.1.1 ", " ", " ", "  ", "x", "user", "5501", "x550 ", "421-4.7.0 ",
        "4.7.0", "-", "5.1.10", "\t", "\n", "550-5.1.1 ", "a550", "552", ".", "5"};
    std::uint32_t seed = 11;
    for (int round = 0; round < 20000; ++round)
    {
        const std::string text = randomText(seed, pieces, 14);
        ASSERT_EQ(dropContinuationCodes(text), dropContinuationCodesModel(text)) << "[" << text << "]";
        const std::string collapsed = collapseSpace(text, 1000);
        ASSERT_EQ(dropContinuationCodes(collapsed), dropContinuationCodesModel(collapsed)) << "[" << text << "]";
    }
    struct Row { const char* in; const char* want; };
    const Row rows[] = {
        {"550 a 550 5.1.1 b 5.1.1", "550 a b 5.1.1"},          // only the status after a dropped code
        {"550 a 550 550 5.1.1 b", "550 a b"},                  // codes in a row
        {" 550 x 550 ", "550 x"},                              // blanks at the ends
        {"550 a  550 b", "550 a  b"},                          // an empty token is kept
        {"550 a x550 550-b 5505 c", "550 a x550 5505 c"},      // codes only at a token's start
        {"550-5.1.1 a 550-5.1.1 b 550 5.1.1 c", "550-5.1.1 a b c"},   // "550-5.1.1" is one token
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(dropContinuationCodes(row.in), dropContinuationCodesModel(row.in));
        EXPECT_EQ(dropContinuationCodes(row.in), row.want);
    }
}

TEST(TextScan, NormalisesAddressesInPlaceAsACopy)
{
    const std::vector<std::string_view> pieces = {
        "rfc822;", " ", "<", ">", "@", "A", "b", "Example.ORG", "\"", "'", "(", ")", ".", ",", ":", ";",
        "[", "]", "\t", "\"@", "x@Y.Example", "utf-8; ", "\xC3\x89"};
    std::uint32_t seed = 5;
    for (int round = 0; round < 20000; ++round)
    {
        const std::string text = randomText(seed, pieces, 10);
        std::string inPlace = text;
        const std::string copy = normaliseAddress(text);
        ASSERT_EQ(normaliseAddressInPlace(inPlace), !copy.empty()) << "[" << text << "]";
        ASSERT_EQ(inPlace, copy.empty() ? text : copy) << "[" << text << "]";
    }
}

TEST(TextScan, CollapsesDiagnosticsInPlaceAsACopy)
{
    const std::vector<std::string_view> pieces = {
        "550", "550-", "5.1.1", " ", "  ", "\t", "\n", "\r\n", "x", "user unknown", "421-4.7.0", "-"};
    std::uint32_t seed = 3;
    for (int round = 0; round < 20000; ++round)
    {
        const std::string text = randomText(seed, pieces, 12);
        for (const std::size_t bound : {std::size_t{1000}, std::size_t{7}, std::size_t{0}})
        {
            std::string inPlace = text;
            collapseDiagnosticInPlace(inPlace, bound);
            ASSERT_EQ(inPlace, collapseDiagnostic(text, bound)) << "[" << text << "] " << bound;
        }
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

TEST(TextScan, AddressScannerSeesWhatFindAddressesFinds)
{
    for (const char* text : {"", "@", "a@b", "x@y.example.com", "<A.b@Sub.Example.ORG>, (x@Y.example.com)",
                             "@@a@b.cd@@e@f.gh", ".=q@a.example- and ip@192.0.2.1 then Z@Q.Example.",
                             "\"q\"@a.example+b", "a@b.c d@e.fg h@i.jk"})
    {
        SCOPED_TRACE(text);
        const auto found = findAddresses(text);
        AddressScanner scanner(text);
        AddressSpan span;
        std::size_t n = 0;
        for (; scanner.next(span); ++n)
        {
            ASSERT_LT(n, found.size());
            EXPECT_EQ(span.pos, found[n].pos);
            EXPECT_EQ(span.address.substr(0, span.at + 1), found[n].address.substr(0, span.at + 1));
            EXPECT_EQ(toLower(span.address), toLower(found[n].address));
            EXPECT_EQ(span.address[span.at], '@');
        }
        EXPECT_EQ(n, found.size());
        EXPECT_EQ(firstAddress(text), found.empty() ? std::string() : found.front().address);
    }
    EXPECT_EQ(findAddresses("a@b.cd e@f.gh i@j.kl", 2).size(), 2u);
}

namespace {

// findReplyCode as a byte at a time: the first three digits, 2xx/4xx/5xx with a
// second digit up to 5, after the start or a separator and before the end or one.
std::string replyCodeByteModel(std::string_view text)
{
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const auto opens = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ':' || c == '(' ||
               c == '[' || c == '"' || c == '#' || c == '=';
    };
    const auto closes = [](char c) { return c == ' ' || c == '-' || c == '\n' || c == '\t' || c == ')' || c == ']'; };
    for (std::size_t i = 0; i + 3 <= text.size(); ++i)
        if ((text[i] == '2' || text[i] == '4' || text[i] == '5') && digit(text[i + 1]) && text[i + 1] <= '5' &&
            digit(text[i + 2]) && (i == 0 || opens(text[i - 1])) && (i + 3 == text.size() || closes(text[i + 3])))
            return std::string(text.substr(i, 3));
    return {};
}

} // namespace

// Words without a digit are passed over whole, and sixteen starts are tested at once
// (SSE2): codes at every offset, runs of prose of every length either side of eight
// and sixteen, and bytes near '0' and '9' (and with the high bit) that a word-wide
// digit test could take for digits.
TEST(TextScan, FindsReplyCodesAsAByteAtATimeWould)
{
    std::mt19937 random(5512026);
    static const char kBytes[] = "ab /.:-()[]\"#=\t\n\x2f\x3a\xb0\xb4\xb5\xb9\x80\xff" "0123456789";
    for (int round = 0; round < 200000; ++round)
    {
        std::string text;
        const std::size_t length = random() % (round % 2 ? 40 : 120);   // either side of 16 and 18 too
        const bool sparse = random() % 2;
        for (std::size_t i = 0; i < length; ++i)
            text.push_back(sparse && random() % 4 != 0 ? 'x' : kBytes[random() % (sizeof(kBytes) - 1)]);
        if (random() % 3 == 0)
            text.insert(random() % (text.size() + 1), random() % 2 ? " 550 " : "421-");
        ASSERT_EQ(findReplyCode(text), replyCodeByteModel(text)) << text;
    }
}

// isCollapsed tests sixteen bytes and then eight at a time: a second blank or other
// white space at every offset of collapsed prose, in the first block, across blocks
// and in the tail.
TEST(TextScan, TellsCollapsedTextWithOneFlawAtEveryOffset)
{
    const std::string prose = "the quick brown fox jumps over a lazy dog and then some more words to pass sixty four";
    for (std::size_t length = 1; length <= prose.size(); ++length)
    {
        std::string text = prose.substr(0, length);
        while (text.back() == ' ')
            text.pop_back();
        ASSERT_TRUE(isCollapsed(text)) << text;
        for (std::size_t pos = 1; pos + 1 < text.size(); ++pos)
            for (const char flaw : {' ', '\t', '\n', '\r', '\v', '\f'})
            {
                std::string flawed = text;
                if (flawed[pos] == ' ')
                    flawed.insert(pos, 1, flaw);
                else
                    flawed[pos] = flaw;
                ASSERT_EQ(isCollapsed(flawed), collapseByteModel(flawed, flawed.size()) == flawed)
                    << ::testing::PrintToString(flawed);
            }
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
