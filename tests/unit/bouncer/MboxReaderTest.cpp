#include "MboxReader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace verpmail {
namespace {

std::vector<MboxMessage> readAll(const std::string& text, std::size_t maxBytes = 1 << 20)
{
    std::istringstream in(text);
    MboxReader reader(in, maxBytes);
    std::vector<MboxMessage> out;
    EXPECT_TRUE(reader.startsLikeMbox());
    while (auto m = reader.next())
        out.push_back(std::move(*m));
    return out;
}

TEST(MboxReader, SplitsAtFromLinesAfterAnEmptyLine)
{
    const std::string text =
        "From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n"
        "Subject: one\n"
        "\n"
        "body one\n"
        "\n"
        "From sender@Example.ORG Mon Jan  1 00:00:01 2024\n"
        "Subject: two\n"
        "\n"
        "body two\n"
        "\n";
    const auto m = readAll(text);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].data, "Subject: one\n\nbody one\n");
    EXPECT_EQ(m[0].envelopeSender, "");
    EXPECT_EQ(m[0].begin, 0u);
    EXPECT_EQ(m[0].end, text.find("From sender"));
    EXPECT_TRUE(m[0].blankLineAtEnd);
    EXPECT_EQ(m[1].data, "Subject: two\n\nbody two\n");
    EXPECT_EQ(m[1].envelopeSender, "sender@example.org");
    EXPECT_EQ(m[1].end, text.size());
    EXPECT_EQ(m[1].totalBytes, m[1].data.size());
}

TEST(MboxReader, UnquotesFromLinesAndKeepsOtherQuotes)
{
    const auto m = readAll(
        "From a@b.example Mon Jan  1 00:00:00 2024\n"
        "Subject: q\n"
        "\n"
        ">From the start\n"
        ">>From mboxrd\n"
        "> quoted reply\n"
        "From inside a paragraph is not a separator\n");
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].data,
              "Subject: q\n\nFrom the start\n>From mboxrd\n> quoted reply\nFrom inside a paragraph is not a separator\n");
    EXPECT_FALSE(m[0].blankLineAtEnd);
}

TEST(MboxReader, ToleratesCrlf)
{
    const std::string text =
        "From a@b.example Mon Jan  1 00:00:00 2024\r\n"
        "Subject: one\r\n"
        "\r\n"
        "body\r\n"
        "\r\n"
        "From c@d.example Mon Jan  1 00:00:00 2024\r\n"
        "Subject: two\r\n";
    const auto m = readAll(text);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].data, "Subject: one\r\n\r\nbody\r\n");
    EXPECT_EQ(m[0].end, text.find("From c@"));
    EXPECT_EQ(m[1].data, "Subject: two\r\n");
    EXPECT_EQ(m[1].envelopeSender, "c@d.example");
}

TEST(MboxReader, CutsLongMessagesButKeepsTheirExactRange)
{
    const std::string body(100000, 'x');
    const std::string text = "From a@b.example x\nSubject: big\n\n" + body + "\n\nFrom c@d.example x\nSubject: small\n";
    const auto m = readAll(text, 1000);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].data.size(), 1000u);
    EXPECT_EQ(m[0].totalBytes, std::string("Subject: big\n\n").size() + body.size() + 1);
    EXPECT_EQ(m[0].end, text.find("From c@"));
    EXPECT_EQ(m[1].data, "Subject: small\n");
}

TEST(MboxReader, EmptyInputIsAnEmptyMbox)
{
    EXPECT_TRUE(readAll("").empty());
    EXPECT_TRUE(readAll("\n\n").empty());
}

TEST(MboxReader, RejectsInputThatIsNotAnMbox)
{
    std::istringstream in("Subject: not an mbox\n\nFrom a@b x\n");
    MboxReader reader(in, 1000);
    EXPECT_FALSE(reader.startsLikeMbox());
    EXPECT_FALSE(reader.next());
}

TEST(MboxReader, UnquoteFromLineTable)
{
    struct Row
    {
        std::string in, want;
    } rows[] = {
        {">From x", "From x"}, {">>From x", ">From x"}, {"> From x", "> From x"},
        {">", ">"},            {"From x", "From x"},    {">Fromage", ">Fromage"},
    };
    for (Row& row : rows) {
        SCOPED_TRACE(row.in);
        std::string got = row.in;
        unquoteFromLine(got);
        EXPECT_EQ(got, row.want);
    }
}

} // namespace
} // namespace verpmail
