// The syntax of LMTP command lines and of MAIL FROM / RCPT TO paths, and the bounded
// line reading under them.
#include "LmtpTestFakes.h"

#include "lmtp/LineChannel.h"
#include "lmtp/LmtpCommand.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

TEST(LmtpCommand, VerbsAndArguments)
{
    struct Row
    {
        std::string line;
        Verb verb;
        std::string argument;
    };
    const std::vector<Row> rows = {
        {"LHLO mx.example.org", Verb::Lhlo, "mx.example.org"},
        {"lhlo   host  ", Verb::Lhlo, "host"},
        {"MAIL FROM:<>", Verb::Mail, "FROM:<>"},
        {"Rcpt To:<a@b>", Verb::Rcpt, "To:<a@b>"},
        {"DATA", Verb::Data, ""},
        {"DATA ", Verb::Data, ""},
        {"QUIT", Verb::Quit, ""},
        {"RSET", Verb::Rset, ""},
        {"NOOP x", Verb::Noop, "x"},
        {"VRFY a", Verb::Vrfy, "a"},
        {"HELP", Verb::Help, ""},
        {"EHLO x", Verb::NotImplemented, "x"},
        {"BDAT 10 LAST", Verb::NotImplemented, "10 LAST"},
        {"MAILFROM:<>", Verb::Unknown, ""},
        {"", Verb::Unknown, ""},
        {"\tDATA", Verb::Unknown, "DATA"},
    };
    for (const Row& row : rows) {
        const LmtpCommand c = parseCommand(row.line);
        EXPECT_EQ(c.verb, row.verb) << row.line;
        EXPECT_EQ(std::string(c.argument), row.argument) << row.line;
    }
}

TEST(LmtpCommand, Paths)
{
    struct Row
    {
        std::string argument;
        bool ok;
        std::string address;
        std::vector<std::string> parameters;
    };
    const std::vector<Row> rows = {
        {"FROM:<>", true, "", {}},
        {"FROM:<a@b>", true, "a@b", {}},
        {"from: <a@b>", true, "a@b", {}},
        {"FROM:<a@b> SIZE=123 BODY=8BITMIME SMTPUTF8", true, "a@b", {"SIZE=123", "BODY=8BITMIME", "SMTPUTF8"}},
        {"FROM:<a@b>  ENVID=x  ", true, "a@b", {"ENVID=x"}},
        {"FROM:<\"a>b c\"@d>", true, "\"a>b c\"@d", {}},
        {"FROM:<\"a\\\"> b\"@d>", true, "\"a\\\"> b\"@d", {}},
        {"FROM:<@r1,@r2:user@d>", true, "user@d", {}},
        {"FROM:<@r1>", false, "", {}},
        {"FROM:a@b", false, "", {}},
        {"FROM:<a@b", false, "", {}},
        {"FROM:<a<b>", false, "", {}},
        {"FROM:<a@b>SIZE=1", false, "", {}},
        {"FROM<a@b>", false, "", {}},
        {"TO:<a@b>", false, "", {}},
        {"", false, "", {}},
    };
    for (const Row& row : rows) {
        const std::optional<MailPath> path = parsePath(row.argument, "FROM:");
        ASSERT_EQ(path.has_value(), row.ok) << row.argument;
        if (!path)
            continue;
        EXPECT_EQ(path->address, row.address) << row.argument;
        EXPECT_EQ(path->parameters, row.parameters) << row.argument;
    }
    ASSERT_TRUE(parsePath("TO:<x@y> NOTIFY=NEVER", "TO:"));
    EXPECT_EQ(parsePath("to:<x@y>", "TO:")->address, "x@y");
}

TEST(LineChannel, PiecesOfLongLinesAndLineEnds)
{
    testing::ScriptedStream stream({"ab\r\ncdefg\nhi\rj\r\n", "\r\n", "tail without end"});
    LineChannel channel(stream);
    std::string piece;
    EXPECT_EQ(channel.read(piece, 3), LineChannel::Piece::LineEnd);
    EXPECT_EQ(piece, "ab");
    EXPECT_EQ(channel.read(piece, 3), LineChannel::Piece::Partial);
    EXPECT_EQ(piece, "cde");
    EXPECT_EQ(channel.read(piece, 3), LineChannel::Piece::LineEnd);
    EXPECT_EQ(piece, "fg");
    EXPECT_EQ(channel.read(piece, 10), LineChannel::Piece::LineEnd);
    EXPECT_EQ(piece, "hi\rj");
    EXPECT_EQ(channel.read(piece, 10), LineChannel::Piece::LineEnd);
    EXPECT_EQ(piece, "");
    EXPECT_EQ(channel.read(piece, 100), LineChannel::Piece::End);
    EXPECT_EQ(channel.end(), StreamEnd::Closed);
}

TEST(LineChannel, ExactlyMaxBytesBeforeCrLfIsOneLine)
{
    testing::ScriptedStream stream({"abc\r", "\nabcd\r\n"});
    LineChannel channel(stream);
    std::string piece;
    EXPECT_EQ(channel.read(piece, 3), LineChannel::Piece::LineEnd);
    EXPECT_EQ(piece, "abc");
    EXPECT_EQ(channel.read(piece, 3), LineChannel::Piece::Partial);
    EXPECT_EQ(piece, "abc");
    EXPECT_EQ(channel.read(piece, 3), LineChannel::Piece::LineEnd);
    EXPECT_EQ(piece, "d");
}

TEST(LineChannel, ReadLineDropsWhatIsTooLong)
{
    testing::ScriptedStream stream({std::string(100000, 'x') + "\r\nshort\r\n"});
    LineChannel channel(stream);
    std::string line;
    EXPECT_EQ(channel.readLine(line, 1000), LineChannel::Line::TooLong);
    EXPECT_EQ(channel.readLine(line, 1000), LineChannel::Line::Complete);
    EXPECT_EQ(line, "short");
    EXPECT_EQ(channel.readLine(line, 1000), LineChannel::Line::End);
}

TEST(LineChannel, WritesWaitUntilInputIsNeeded)
{
    testing::ScriptedStream stream({"one\ntwo\n"});
    LineChannel channel(stream);
    std::string line;
    ASSERT_EQ(channel.readLine(line, 10), LineChannel::Line::Complete);
    channel.write("1\r\n");
    ASSERT_EQ(channel.readLine(line, 10), LineChannel::Line::Complete);
    channel.write("2\r\n");
    EXPECT_EQ(stream.writes, 0);
    EXPECT_EQ(channel.readLine(line, 10), LineChannel::Line::End);
    EXPECT_EQ(stream.writes, 1);
    EXPECT_EQ(stream.sent, "1\r\n2\r\n");
}

} // namespace
} // namespace verpmail
