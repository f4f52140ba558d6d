// ImapClient's pieces that need no server: URL and TLS checks, quoting, responses.
#include "verpmail/mail/ImapClient.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

TEST(ImapUrl, TakesAnImapsUrlApart)
{
    const ImapUrl url = parseImapUrl("imaps://mail.example.org:993/INBOX", true);
    ASSERT_TRUE(url.ok()) << url.problem;
    EXPECT_EQ(url.scheme, "imaps");
    EXPECT_EQ(url.host, "mail.example.org");
    EXPECT_EQ(url.base, "imaps://mail.example.org:993/");
    EXPECT_EQ(url.mailbox, "INBOX");
}

TEST(ImapUrl, DecodesTheMailboxName)
{
    const ImapUrl url = parseImapUrl("imaps://mail.example.org/Bounces%20In/2026", true);
    ASSERT_TRUE(url.ok()) << url.problem;
    EXPECT_EQ(url.mailboxPath, "Bounces%20In/2026");
    EXPECT_EQ(url.mailbox, "Bounces In/2026");
}

TEST(ImapUrl, RefusesWhatItCannotUse)
{
    EXPECT_FALSE(parseImapUrl("https://mail.example.org/INBOX", true).ok());
    EXPECT_FALSE(parseImapUrl("imaps://mail.example.org/", true).ok()) << "no mailbox";
    EXPECT_FALSE(parseImapUrl("imaps://mail.example.org", true).ok()) << "no mailbox";
    EXPECT_FALSE(parseImapUrl("imaps://mail.example.org/INBOX/;UID=3", true).ok());
    EXPECT_FALSE(parseImapUrl("imaps://mail.example.org/INBOX?ALL", true).ok());
    EXPECT_FALSE(parseImapUrl("imaps://mail.example.org/Entw%C3%BCrfe", true).ok()) << "non-ASCII";
    EXPECT_FALSE(parseImapUrl("not a url", true).ok());
    const ImapUrl withPassword = parseImapUrl("imaps://bounces:secret@mail.example.org/INBOX", true);
    EXPECT_FALSE(withPassword.ok());
    EXPECT_NE(withPassword.problem.find("bouncer.imap.passwordFile"), std::string::npos) << withPassword.problem;
}

TEST(ImapUrl, PlainOnlyToLoopback)
{
    EXPECT_TRUE(parseImapUrl("imap://mail.example.org/INBOX", true).ok()) << "STARTTLS required";
    EXPECT_TRUE(parseImapUrl("imap://127.0.0.1:1143/INBOX", false).ok());
    EXPECT_TRUE(parseImapUrl("imap://localhost/INBOX", false).ok());
    EXPECT_TRUE(parseImapUrl("imap://[::1]/INBOX", false).ok());
    EXPECT_FALSE(parseImapUrl("imap://mail.example.org/INBOX", false).ok());
    EXPECT_FALSE(parseImapUrl("imaps://127.0.0.1/INBOX", false).ok()) << "tls none with imaps:// says two things";
}

TEST(ImapQuoted, QuotesAndEscapes)
{
    EXPECT_EQ(imapQuoted("INBOX"), "\"INBOX\"");
    EXPECT_EQ(imapQuoted("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
    EXPECT_EQ(imapQuoted(""), std::nullopt);
    EXPECT_EQ(imapQuoted("a\r\nb"), std::nullopt);
    EXPECT_EQ(imapQuoted("Entw\xc3\xbcrfe"), std::nullopt);
}

TEST(ImapKeyword, LettersDigitsAndAFewMarks)
{
    EXPECT_TRUE(isImapKeyword("$VerpmailRecorded"));
    EXPECT_TRUE(isImapKeyword("verpmail-recorded_1"));
    EXPECT_FALSE(isImapKeyword("\\Seen"));
    EXPECT_FALSE(isImapKeyword("two words"));
    EXPECT_FALSE(isImapKeyword("a)b"));
    EXPECT_FALSE(isImapKeyword(""));
}

TEST(ImapResponses, SearchUidsFromTheSearchLinesOnly)
{
    const std::string response = "* FLAGS (\\Seen $VerpmailRecorded)\r\n"
                                 "* OK [PERMANENTFLAGS (\\Seen \\*)] Flags permitted.\r\n"
                                 "* SEARCH 3 17 4294967295\r\n"
                                 "* search 21\r\n"
                                 "* 5 EXISTS\r\n";
    EXPECT_EQ(parseSearchResponse(response), (std::vector<std::uint32_t>{3, 17, 4294967295u, 21}));
    EXPECT_TRUE(parseSearchResponse("* SEARCH\r\n").empty());
    EXPECT_TRUE(parseSearchResponse("* SEARCH 0 4294967296 x12 -1\r\n").empty()) << "not UIDs";
    EXPECT_TRUE(parseSearchResponse("* SEARCHING 4\r\n").empty());
}

TEST(ImapResponses, Capabilities)
{
    const std::vector<std::string> all =
        parseCapabilities("* OK ready\r\n* CAPABILITY IMAP4rev1 UIDPLUS move\r\n");
    EXPECT_EQ(all, (std::vector<std::string>{"IMAP4REV1", "UIDPLUS", "MOVE"}));
}

TEST(ImapClient, RefusesABadUrlBeforeConnecting)
{
    ImapSettings settings;
    settings.url = "imap://mail.example.org/INBOX";
    settings.requireTls = false;
    EXPECT_THROW(ImapClient{settings}, ImapError);
}

} // namespace
} // namespace verpmail
