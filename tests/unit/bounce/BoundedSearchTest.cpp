// BoundedSearchTest: 10 MiB bodies built against the parser's searches (a search
// restarted from every position, a boundary compared at every line, a scan from every
// '@'). The results are asserted, not the time: a quadratic search over these inputs
// would take minutes and the test would time out.
#include "verpmail/bounce/BounceParser.h"
#include "verpmail/bounce/ErrorTextScan.h"
#include "verpmail/bounce/Lines.h"
#include "verpmail/bounce/MimeReader.h"
#include "verpmail/bounce/OriginalMessage.h"

#include <gtest/gtest.h>

#include <string>

using namespace verpmail;
using namespace verpmail::bounce;

namespace {

constexpr std::size_t kTenMiB = 10 * 1024 * 1024;

std::string repeat(const std::string& unit, std::size_t bytes = kTenMiB)
{
    std::string out;
    out.reserve(bytes + unit.size());
    while (out.size() < bytes)
        out += unit;
    return out;
}

} // namespace

TEST(BoundedSearch, ALongDeclaredBoundaryIsComparedByItsFirst70Octets)
{
    // A 1000-octet boundary over a body of its own byte: each position holds its
    // first octets, but none is a delimiter.
    const std::string text =
        "Content-Type: multipart/mixed; boundary=\"" + std::string(1000, 'a') + "\"\n\n" + repeat("a");
    const MimeMessage m = readMime(text, ParseLimits{});
    ASSERT_EQ(m.parts.size(), 1u);
    EXPECT_FALSE(m.parts[0].multipart);
    EXPECT_EQ(m.parts[0].contentType.type, "text/plain");
    EXPECT_EQ(m.parts[0].body().size(), kTenMiB);
}

TEST(BoundedSearch, ALongBoundaryStillSplitsAtItsFullDelimiterLines)
{
    // Past 70 octets the rest of a delimiter line is not compared, but a line must
    // still be as long as the declared boundary.
    const std::string boundary(80, 'b');
    const std::string text = "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n--" + boundary +
                             "\n\none\n--" + boundary.substr(0, 75) + "\n\nshort\n--" + boundary + "--\n";
    const MimeMessage m = readMime(text, ParseLimits{});
    ASSERT_EQ(m.parts.size(), 2u);
    EXPECT_EQ(m.parts[1].body(), "one\n--" + boundary.substr(0, 75) + "\n\nshort");
}

TEST(BoundedSearch, ManyBoundaryLikeLinesEndAtThePartLimit)
{
    // Lines one octet off the declared boundary: none is a delimiter, so the first
    // "--token" line is taken for the boundary and every line splits.
    const std::string text = "Content-Type: multipart/mixed; boundary=\"bound\"\n\n" + repeat("--bounX\n");
    const MimeMessage m = readMime(text, ParseLimits{});
    EXPECT_EQ(m.parts.size(), static_cast<std::size_t>(ParseLimits{}.maxParts));
    EXPECT_EQ(m.problem, "MIME part limit reached");
}

TEST(BoundedSearch, ManyDashLinesWithoutTheBoundary)
{
    const std::string text = "Content-Type: multipart/mixed; boundary=\"b\"\n\n" + repeat("-- -\n");
    const MimeMessage m = readMime(text, ParseLimits{});
    ASSERT_EQ(m.parts.size(), 1u);
    EXPECT_FALSE(m.parts[0].multipart);
    EXPECT_EQ(m.parts[0].body().size(), text.size() - text.find("\n\n") - 2);
}

TEST(BoundedSearch, ABodyOfAtSignsNamesNoRecipient)
{
    for (const std::string& body : {repeat("@"), repeat("@@ x@y @\n"), repeat("a@b.c")})
    {
        const ParsedReturn r = parseReturn("From: MAILER-DAEMON@x.example\nSubject: Undelivered\n\n" + body);
        EXPECT_EQ(r.kind, ReturnKind::Bounce);
        ASSERT_EQ(r.recipients.size(), 1u);
        EXPECT_EQ(r.recipients[0].address, "");
        EXPECT_EQ(r.recipients[0].diagnostic, collapseSpace(body, 1000));
    }
}

TEST(BoundedSearch, ErrorTextOfManyAddressLinesIsCutPerAddress)
{
    // Every line names a new address; the scan keeps maxRecipients of them, each
    // with the one line that is its error (the last one's runs on, up to its bound).
    std::string text;
    for (int i = 0; text.size() < kTenMiB; ++i)
        text += "user" + std::to_string(i) + "@example.org: 550 5.1.1 unknown\n";
    const std::vector<RecipientResult> results = scanErrorText(text, {}, ParseLimits{});
    ASSERT_EQ(results.size(), ParseLimits{}.maxRecipients);
    EXPECT_EQ(results[98].address, "user98@example.org");
    EXPECT_EQ(results[98].diagnostic, "user98@example.org: 550 5.1.1 unknown");
    EXPECT_EQ(results[98].status, "5.1.1");
    EXPECT_EQ(results[99].address, "user99@example.org");
    EXPECT_LE(results[99].diagnostic.size(), 1000u);
}

TEST(BoundedSearch, AnAddressBeforeAHugeLineHasABoundedError)
{
    const std::string text = "a@b.example said: 550 5.1.1\n" + repeat("no such user ");
    const std::vector<RecipientResult> results = scanErrorText(text, {}, ParseLimits{});
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].replyCode, "550");
    EXPECT_EQ(results[0].diagnostic.rfind("a@b.example said: 550 5.1.1 no such user no such", 0), 0u);
    EXPECT_GE(results[0].diagnostic.size(), 990u);
    EXPECT_LE(results[0].diagnostic.size(), 1000u);
}

TEST(BoundedSearch, ManyHeaderLikeLinesFindTheOriginalOnce)
{
    const std::string text = "prose\n\n" + repeat("Received: from x\n");
    std::size_t content = 0;
    EXPECT_EQ(findOriginalStart(text, &content), 7u);
    EXPECT_EQ(content, 7u);
    EXPECT_EQ(findOriginalStart(repeat("no marker on this line of prose\n"), &content), std::string::npos);
}
