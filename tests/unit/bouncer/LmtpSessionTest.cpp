// Full LMTP dialogues against a fake desk: what Postfix's lmtp(8) client would see.
#include "LmtpTestFakes.h"

#include "lmtp/LineChannel.h"
#include "lmtp/LmtpSession.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

using testing::FakeDesk;
using testing::ScriptedStream;

const std::string kGreeting = "220 mx.test LMTP verpmail";
const std::vector<std::string> kLhloReply = {"250-mx.test",  "250-PIPELINING", "250-ENHANCEDSTATUSCODES",
                                             "250-8BITMIME", "250-SMTPUTF8",   "250 SIZE"};
const std::string kOk = "250 2.0.0 Ok";
const std::string kRcptOk = lmtpRcptReply(RecipientStatus::Ours, "");
const std::string kData = "354 End data with <CR><LF>.<CR><LF>";
const std::string kBye = "221 2.0.0 Bye";
const std::string kA = "sentto-AAAA@bounces.example.org";
const std::string kB = "sentto-BBBB@bounces.example.org";
const std::string kC = "sentto-CCCC@bounces.example.org";

LmtpSettings settings()
{
    LmtpSettings s;
    s.hostname = "mx.test";
    s.maxMessageBytes = 1 << 20;
    return s;
}

struct Dialogue
{
    std::vector<std::string> replies;
    int writes = 0;
};

Dialogue talk(FakeDesk& desk, std::vector<std::string> chunks, const LmtpSettings& s = settings(),
              StreamEnd endAs = StreamEnd::Closed)
{
    ScriptedStream stream(std::move(chunks), endAs);
    LineChannel channel(stream);
    LmtpSession(channel, desk, s, "unix", testing::quietLogger()).run();
    return {testing::replyLines(stream.sent), stream.writes};
}

std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts)
{
    std::vector<std::string> out;
    for (const auto& part : parts)
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

std::string transaction(const std::vector<std::string>& recipients, const std::string& body)
{
    std::string text = "MAIL FROM:<>\r\n";
    for (const std::string& r : recipients)
        text += "RCPT TO:<" + r + ">\r\n";
    return text + "DATA\r\n" + body + ".\r\n";
}

const std::string kBody = "From: MAILER-DAEMON\r\nSubject: Undelivered\r\n\r\nSorry.\r\n";
const std::string kBodyLf = "From: MAILER-DAEMON\nSubject: Undelivered\n\nSorry.\n";

TEST(LmtpSession, RecordsAReturnAndAnswersAfterTheDesk)
{
    FakeDesk desk;
    const Dialogue d = talk(desk, {"LHLO postfix\r\n", transaction({kA}, kBody), "QUIT\r\n"});
    EXPECT_EQ(d.replies, concat({{kGreeting}, kLhloReply,
                                 {kOk, kRcptOk, kData, lmtpDataReply(Outcome::Recorded, ""), kBye}}));
    ASSERT_EQ(desk.taken.size(), 1u);
    EXPECT_EQ(desk.taken[0].recipient, kA);
    EXPECT_EQ(desk.taken[0].sender, "");
    EXPECT_EQ(desk.taken[0].source, "lmtp");
    EXPECT_EQ(desk.checked, std::vector<std::string>{kA});
}

TEST(LmtpSession, GivesTheParserWhatPipeWouldLfEndsAndReturnPathFirst)
{
    FakeDesk desk;
    talk(desk, {"LHLO postfix\r\n", transaction({kA}, kBody), "QUIT\r\n"});
    ASSERT_EQ(desk.taken.size(), 1u);
    // pipe(8) with flags=R writes "Return-Path: <sender>" and LF line ends.
    EXPECT_EQ(desk.taken[0].data, "Return-Path: <>\n" + kBodyLf);
    EXPECT_EQ(desk.taken[0].totalBytes, desk.taken[0].data.size());
}

TEST(LmtpSession, OutcomesAfterDataAreTheContractsReplies)
{
    struct Row
    {
        Outcome outcome;
        char code;
    };
    for (const Row row : {Row{Outcome::Recorded, '2'}, Row{Outcome::Duplicate, '2'}, Row{Outcome::Unattributed, '2'},
                          Row{Outcome::Degraded, '2'}, Row{Outcome::DatabaseUnavailable, '4'},
                          Row{Outcome::TimeLimit, '4'}, Row{Outcome::InternalError, '4'},
                          Row{Outcome::Unrecordable, '5'}}) {
        FakeDesk desk;
        desk.outcomes[kA] = row.outcome;
        desk.takeDetail = "some detail";
        const Dialogue d = talk(desk, {"LHLO postfix\r\n" + transaction({kA}, kBody) + "QUIT\r\n"});
        ASSERT_EQ(d.replies.size(), 12u) << outcomeName(row.outcome);
        EXPECT_EQ(d.replies[10], lmtpDataReply(row.outcome, "some detail")) << outcomeName(row.outcome);
        EXPECT_EQ(d.replies[10][0], row.code) << outcomeName(row.outcome);
    }
}

TEST(LmtpSession, RefusesAnAddressThatIsNotOursAtRcptAndNeverTakesIt)
{
    FakeDesk desk;
    desk.statuses[kA] = RecipientStatus::NotOurs;
    desk.checkDetail = "unknown token";
    const Dialogue d = talk(desk, {"LHLO postfix\r\n" + transaction({kA}, kBody) + "QUIT\r\n"});
    const std::string refused = lmtpRcptReply(RecipientStatus::NotOurs, "unknown token");
    EXPECT_EQ(refused.substr(0, 4), "550 ");
    // With no recipient accepted, DATA gets 503 and the client sends no message; the
    // message lines that follow are then read as (unknown) commands, as in smtpd.
    ASSERT_GE(d.replies.size(), 10u);
    EXPECT_EQ(d.replies[7], kOk);
    EXPECT_EQ(d.replies[8], refused);
    EXPECT_EQ(d.replies[9], "503 5.5.1 Error: need RCPT command");
    EXPECT_TRUE(desk.taken.empty());
}

TEST(LmtpSession, DefersARecipientItCannotCheck)
{
    FakeDesk desk;
    desk.statuses[kA] = RecipientStatus::CannotTell;
    desk.checkDetail = "connect: refused";
    const Dialogue d = talk(desk, {"LHLO postfix\r\nMAIL FROM:<>\r\nRCPT TO:<" + kA + ">\r\nQUIT\r\n"});
    ASSERT_EQ(d.replies.size(), 10u);
    EXPECT_EQ(d.replies[8], lmtpRcptReply(RecipientStatus::CannotTell, "connect: refused"));
    EXPECT_EQ(d.replies[8].substr(0, 4), "451 ");
}

TEST(LmtpSession, OneReplyPerAcceptedRecipientInRcptOrder)
{
    FakeDesk desk;
    desk.statuses[kB] = RecipientStatus::NotOurs;
    desk.outcomes["sentto-DDDD@bounces.example.org"] = Outcome::DatabaseUnavailable;
    desk.outcomes[kC] = Outcome::Duplicate;
    desk.takeDetail = "why";
    desk.checkDetail = "why not";
    const std::string kD = "sentto-DDDD@bounces.example.org";
    const Dialogue d = talk(desk, {"LHLO postfix\r\n" + transaction({kA, kB, kD, kC}, kBody) + "QUIT\r\n"});
    EXPECT_EQ(d.replies, concat({{kGreeting}, kLhloReply,
                                 {kOk, kRcptOk, lmtpRcptReply(RecipientStatus::NotOurs, "why not"), kRcptOk, kRcptOk,
                                  kData, lmtpDataReply(Outcome::Recorded, ""),
                                  lmtpDataReply(Outcome::DatabaseUnavailable, "why"),
                                  lmtpDataReply(Outcome::Duplicate, "why"), kBye}}));
    ASSERT_EQ(desk.taken.size(), 3u);
    EXPECT_EQ(desk.taken[0].recipient, kA);
    EXPECT_EQ(desk.taken[1].recipient, kD);
    EXPECT_EQ(desk.taken[2].recipient, kC);
    EXPECT_EQ(desk.taken[0].data, desk.taken[2].data);
}

TEST(LmtpSession, UndoesDotStuffing)
{
    FakeDesk desk;
    talk(desk, {"LHLO x\r\n" + transaction({kA}, "Subject: x\r\n\r\n..\r\n...\r\n..leading\r\n .x\r\nend.\r\n")});
    ASSERT_EQ(desk.taken.size(), 1u);
    EXPECT_EQ(desk.taken[0].data, "Return-Path: <>\nSubject: x\n\n.\n..\n.leading\n .x\nend.\n");
}

TEST(LmtpSession, KeepsAtMostMaxMessageBytesAndCountsTheRest)
{
    FakeDesk desk;
    LmtpSettings s = settings();
    s.maxMessageBytes = 100;
    std::string body;
    for (int i = 0; i < 1000; ++i)
        body += "line " + std::to_string(i) + " of a long returned message\r\n";
    const Dialogue d = talk(desk, {"LHLO x\r\n" + transaction({kA}, body) + "QUIT\r\n"}, s);
    ASSERT_EQ(desk.taken.size(), 1u);
    EXPECT_EQ(desk.taken[0].data.size(), 100u);
    const std::size_t lfBytes = std::string("Return-Path: <>\n").size() + body.size() - 1000;  // one CR less a line
    EXPECT_EQ(desk.taken[0].totalBytes, lfBytes);
    EXPECT_EQ(d.replies.back(), kBye);
}

TEST(LmtpSession, AcceptsDataLinesOfAnyLength)
{
    FakeDesk desk;
    const std::string longLine(100000, 'x');
    talk(desk, {"LHLO x\r\n" + transaction({kA}, longLine + "\r\n." + longLine + "\r\n")});
    ASSERT_EQ(desk.taken.size(), 1u);
    EXPECT_EQ(desk.taken[0].data, "Return-Path: <>\n" + longLine + "\n" + longLine + "\n");
}

TEST(LmtpSession, SameMessageWhereverTheReadsSplitIt)
{
    // Postfix's writes reach us cut anywhere: between CR and LF, inside the final
    // ".", inside a stuffed dot. Every cut gives the same message.
    const std::string input = "LHLO x\r\n" + transaction({kA}, "A\r\n..B\r\nC\rD\r\n\r\n") + "QUIT\r\n";
    for (std::size_t cut = 1; cut < input.size(); ++cut) {
        FakeDesk desk;
        const Dialogue d = talk(desk, {input.substr(0, cut), input.substr(cut)});
        ASSERT_EQ(desk.taken.size(), 1u) << cut;
        EXPECT_EQ(desk.taken[0].data, "Return-Path: <>\nA\n.B\nC\rD\n\n") << cut;
        EXPECT_EQ(d.replies.back(), kBye) << cut;
    }
}

TEST(LmtpSession, AcceptsBareLfLineEnds)
{
    FakeDesk desk;
    talk(desk, {"LHLO x\nMAIL FROM:<>\nRCPT TO:<" + kA + ">\nDATA\n" + kBodyLf + ".\nQUIT\n"});
    ASSERT_EQ(desk.taken.size(), 1u);
    EXPECT_EQ(desk.taken[0].data, "Return-Path: <>\n" + kBodyLf);
}

TEST(LmtpSession, OverlongCommandLineIsRefusedAndTheSessionGoesOn)
{
    FakeDesk desk;
    const Dialogue d = talk(desk, {"LHLO x\r\nNOOP " + std::string(5000, 'y') + "\r\nNOOP\r\n"});
    EXPECT_EQ(d.replies, concat({{kGreeting}, kLhloReply, {"500 5.5.2 Error: line too long", kOk}}));
}

TEST(LmtpSession, CommandsOutOfOrder)
{
    struct Row
    {
        std::string input;
        std::string reply;  ///< the reply to the last command
    };
    const std::vector<Row> rows = {
        {"MAIL FROM:<>", "503 5.5.1 Error: send LHLO first"},
        {"LHLO x\r\nRCPT TO:<" + kA + ">", "503 5.5.1 Error: need MAIL command"},
        {"LHLO x\r\nDATA", "503 5.5.1 Error: need MAIL command"},
        {"LHLO x\r\nMAIL FROM:<>\r\nDATA", "503 5.5.1 Error: need RCPT command"},
        {"LHLO x\r\nMAIL FROM:<>\r\nMAIL FROM:<>", "503 5.5.1 Error: nested MAIL command"},
        {"LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<" + kA + ">\r\nRSET\r\nDATA", "503 5.5.1 Error: need MAIL command"},
        {"LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<" + kA + ">\r\nLHLO y\r\nDATA", "503 5.5.1 Error: need MAIL command"},
        {"LHLO", "501 5.5.4 Syntax: LHLO hostname"},
        {"LHLO x\r\nMAIL FROM:a@b", "501 5.5.4 Syntax: MAIL FROM:<address>"},
        {"LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<>", "501 5.5.4 Syntax: RCPT TO:<address>"},
        {"LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<" + kA + ">\r\nDATA now", "501 5.5.4 Syntax: no parameters allowed"},
        {"HELO x", "502 5.5.1 Error: command not implemented"},
        {"EHLO x", "502 5.5.1 Error: command not implemented"},
        {"STARTTLS", "502 5.5.1 Error: command not implemented"},
        {"FROB", "500 5.5.2 Error: command not recognized"},
        {"", "500 5.5.2 Error: command not recognized"},
        {"VRFY postmaster", "252 2.0.0 Cannot VRFY; send some mail"},
        {"HELP", "214 2.0.0 Commands: LHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP"},
        {"noop", kOk},
        {"RSET", kOk},
    };
    for (const Row& row : rows) {
        FakeDesk desk;
        const Dialogue d = talk(desk, {row.input + "\r\n"});
        ASSERT_FALSE(d.replies.empty());
        EXPECT_EQ(d.replies.back(), row.reply) << row.input;
        EXPECT_TRUE(desk.taken.empty()) << row.input;
    }
}

TEST(LmtpSession, LetsGoOfAPeerThatKeepsMakingErrors)
{
    FakeDesk desk;
    std::string input = "LHLO x\r\n";
    for (int i = 0; i < 19; ++i)
        input += "FROB\r\n";
    input += "RCPT TO:<" + kA + ">\r\nNOOP\r\n";
    const Dialogue d = talk(desk, {input});
    ASSERT_EQ(d.replies.size(), 1u + kLhloReply.size() + 20u + 1u);
    EXPECT_EQ(d.replies[d.replies.size() - 2], "503 5.5.1 Error: need MAIL command");
    EXPECT_EQ(d.replies.back(), "421 4.7.0 Error: too many errors");
    // Nineteen errors are tolerated: the session goes on.
    std::string patient = "LHLO x\r\n";
    for (int i = 0; i < 19; ++i)
        patient += "FROB\r\n";
    const Dialogue ok = talk(desk, {patient + "NOOP\r\n"});
    EXPECT_EQ(ok.replies.back(), kOk);
}

TEST(LmtpSession, RsetStartsOver)
{
    FakeDesk desk;
    const Dialogue d = talk(desk, {"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<" + kA + ">\r\nRSET\r\n" +
                                   transaction({kB}, kBody) + "QUIT\r\n"});
    ASSERT_EQ(desk.taken.size(), 1u);
    EXPECT_EQ(desk.taken[0].recipient, kB);
    EXPECT_EQ(desk.taken[0].sender, "");
    EXPECT_EQ(d.replies.back(), kBye);
}

TEST(LmtpSession, PipelinedCommandsAreAnsweredInOneWrite)
{
    FakeDesk desk;
    // Postfix sends LHLO alone, then MAIL, RCPT... and DATA in one write; after the
    // message, the end-of-data replies and QUIT's.
    const Dialogue d = talk(desk, {"LHLO x\r\n", "MAIL FROM:<> SIZE=1234 BODY=8BITMIME\r\nRCPT TO:<" + kA +
                                                     ">\r\nRCPT TO:<" + kB + ">\r\nDATA\r\n",
                                   kBody + ".\r\nQUIT\r\n"});
    EXPECT_EQ(d.replies, concat({{kGreeting}, kLhloReply,
                                 {kOk, kRcptOk, kRcptOk, kData, lmtpDataReply(Outcome::Recorded, ""),
                                  lmtpDataReply(Outcome::Recorded, ""), kBye}}));
    // greeting; LHLO reply; MAIL..DATA replies; data replies and 221.
    EXPECT_EQ(d.writes, 4);
}

TEST(LmtpSession, TransactionsFollowOneAnotherOnOneConnection)
{
    FakeDesk desk;
    const Dialogue d =
        talk(desk, {"LHLO x\r\n" + transaction({kA}, "Subject: 1\r\n") + transaction({kB}, "Subject: 2\r\n")});
    ASSERT_EQ(desk.taken.size(), 2u);
    EXPECT_EQ(desk.taken[0].data, "Return-Path: <>\nSubject: 1\n");
    EXPECT_EQ(desk.taken[1].data, "Return-Path: <>\nSubject: 2\n");
}

TEST(LmtpSession, BoundsRecipientsPerTransaction)
{
    FakeDesk desk;
    LmtpSettings s = settings();
    s.maxRecipients = 2;
    const Dialogue d = talk(desk, {"LHLO x\r\n" + transaction({kA, kB, kC}, kBody)}, s);
    ASSERT_EQ(d.replies.size(), 14u);
    EXPECT_EQ(d.replies[10], "452 4.5.3 Error: too many recipients");
    EXPECT_EQ(desk.taken.size(), 2u);
}

TEST(LmtpSession, NothingIsTakenWhenTheConnectionEndsDuringData)
{
    FakeDesk desk;
    const Dialogue d = talk(desk, {"LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<" + kA + ">\r\nDATA\r\nSubject: x\r\n"});
    EXPECT_TRUE(desk.taken.empty());
    EXPECT_EQ(d.replies.back(), kData);
}

TEST(LmtpSession, IdleTimeoutSays421)
{
    FakeDesk desk;
    const Dialogue d = talk(desk, {"LHLO x\r\n"}, settings(), StreamEnd::TimedOut);
    EXPECT_EQ(d.replies.back(), "421 4.4.2 Error: timeout exceeded");
}

TEST(LmtpSession, TakesTheSendersAddressAsGiven)
{
    FakeDesk desk;
    talk(desk, {"LHLO x\r\nMAIL FROM: <Postmaster@Example.COM> SMTPUTF8\r\nRCPT TO: <" + kA +
                ">\r\nDATA\r\nx\r\n.\r\n"});
    ASSERT_EQ(desk.taken.size(), 1u);
    EXPECT_EQ(desk.taken[0].sender, "Postmaster@Example.COM");
    EXPECT_EQ(desk.taken[0].data, "Return-Path: <Postmaster@Example.COM>\nx\n");
}

} // namespace
} // namespace verpmail
