// Mail to the List-Unsubscribe address through a real MessageProcessor without a
// database: which recipients the LMTP server and the policy service accept, and
// what a request gets when the key or the database cannot be had. (A genuine token
// ending a membership needs MariaDB: the integration and e2e tests.)
#include "LmtpTestFakes.h"
#include "MessageProcessor.h"
#include "lmtp/LineChannel.h"
#include "lmtp/LmtpSession.h"
#include "lmtp/PolicySession.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>
#include <Poco/Util/MapConfiguration.h>

#include <gtest/gtest.h>

#include "TestSupport.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>

namespace verpmail {
namespace {

using test::TempDir;

using testing::ScriptedStream;

const std::string kKey = "0123456789abcdef0123456789abcdef";
const std::string kDomain = "bounces.example.org";
// UnsubscribeTokens(kKey).make(4711, 3, "a@example.org"), UnsubscribeTokenTest.cpp.
const std::string kValid = "unsubscribe+4711-xvnx32u26if4dg652w2b3463ys@bounces.example.org";
const std::string kMalformed = "unsubscribe+4711-short@bounces.example.org";

/// Keeps what the processor logs.
class CapturingChannel : public Poco::Channel
{
public:
    void log(const Poco::Message& message) override
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        lines.push_back(message.getText());
    }
    bool logged(const std::string& part) const
    {
        for (const std::string& line : lines)
            if (line.find(part) != std::string::npos)
                return true;
        return false;
    }
    std::vector<std::string> lines;

private:
    std::mutex _mutex;
};

/// A processor whose database is a socket nobody listens on: any statement fails as
/// a database that is down does. So a test that gets anything but
/// DatabaseUnavailable / CannotTell shows that the database was never asked.
class Fixture
{
public:
    explicit Fixture(const std::string& localPart = "unsubscribe") : _channel(new CapturingChannel)
    {
        _mysql.optionFile = _dir.privateFile("my.cnf", "[verpmail]\nsocket=" + _dir.path + "/nobody.sock\n");
        settings.unsubscribeLocalPart = localPart;
        settings.unsubscribeKeyFile = _dir.path + "/unsubscribe.key";
        _log.setChannel(_channel);
        _log.setLevel(Poco::Message::PRIO_DEBUG);
    }

    MessageProcessor& processor()
    {
        if (!_processor)
            _processor = std::make_unique<MessageProcessor>(
                VerpCodec({VerpMode::Token, "sentto", kDomain, kKey, {}, 30}), _mysql, settings, PolicySettings(), _log);
        return *_processor;
    }

    void writeKey() { _dir.privateFile("unsubscribe.key", kKey + "\n"); }
    const CapturingChannel& log() const { return *_channel; }

    BouncerSettings settings;

private:
    TempDir _dir;
    MysqlOptions _mysql;
    Poco::AutoPtr<CapturingChannel> _channel;
    Poco::Logger& _log = Poco::Logger::get("verpmail.test.unsubscribe");
    std::unique_ptr<MessageProcessor> _processor;
};

/// The servers' view of a processor, as LmtpService's WarmDesk lends one.
class ProcessorDesk : public ReturnDesk
{
public:
    explicit ProcessorDesk(MessageProcessor& processor) : _processor(processor) {}
    RecipientStatus checkRecipient(const std::string& recipient, std::string& detail) override
    {
        return _processor.checkRecipient(recipient, detail);
    }
    Outcome take(const IncomingMessage& message, std::string& detail) override
    {
        return _processor.take(message, detail);
    }

private:
    MessageProcessor& _processor;
};

IncomingMessage requestTo(const std::string& recipient)
{
    IncomingMessage message;
    message.data = "From: a@example.org\nTo: <" + recipient + ">\nSubject: unsubscribe\n\nunsubscribe\n";
    message.totalBytes = message.data.size();
    message.sender = "a@example.org";
    message.recipient = recipient;
    return message;
}

std::vector<std::string> lmtpRcptReplies(MessageProcessor& processor, const std::vector<std::string>& recipients)
{
    std::string input = "LHLO postfix\r\nMAIL FROM:<a@example.org>\r\n";
    for (const std::string& r : recipients)
        input += "RCPT TO:<" + r + ">\r\n";
    input += "QUIT\r\n";
    ScriptedStream stream({input});
    LineChannel channel(stream);
    ProcessorDesk desk(processor);
    LmtpSettings settings;
    settings.hostname = "mx.test";
    LmtpSession(channel, desk, settings, "unix", testing::quietLogger()).run();
    const std::vector<std::string> lines = testing::replyLines(stream.sent);
    // 220, six LHLO lines, MAIL's 250, then one reply per RCPT, then 221.
    if (lines.size() != 8 + recipients.size() + 1)
        return lines;
    return std::vector<std::string>(lines.begin() + 8, lines.end() - 1);
}

std::string policyAnswer(MessageProcessor& processor, const std::string& recipient)
{
    ScriptedStream stream({"request=smtpd_access_policy\nprotocol_state=RCPT\nsender=a@example.org\nrecipient=" +
                           recipient + "\n\n"});
    LineChannel channel(stream);
    ProcessorDesk desk(processor);
    PolicyServiceSettings settings;
    settings.bounceDomains = {kDomain};
    PolicySession(channel, desk, settings, "127.0.0.1:5000", testing::quietLogger()).run();
    return stream.sent;
}

TEST(UnsubscribeMail, RcptAcceptsAWellFormedTokenAndRefusesAMalformedOne)
{
    Fixture f;  // no key file, no database: the shape alone decides
    const std::string upper = "UNSUBSCRIBE+4711-XVNX32U26IF4DG652W2B3463YS@bounces.example.org";
    const std::vector<std::string> replies = lmtpRcptReplies(f.processor(), {kValid, upper, kMalformed});
    ASSERT_EQ(replies.size(), 3u);
    EXPECT_EQ(replies[0], "250 2.1.5 Ok");
    EXPECT_EQ(replies[1], "250 2.1.5 Ok");
    EXPECT_EQ(replies[2], "550 5.1.1 not a well-formed unsubscribe address");
}

TEST(UnsubscribeMail, PolicyServiceAnswersAlike)
{
    Fixture f;
    EXPECT_EQ(policyAnswer(f.processor(), kValid), "action=DUNNO\n\n");
    EXPECT_EQ(policyAnswer(f.processor(), kMalformed), "action=550 5.1.1 recipient unknown\n\n");
    EXPECT_EQ(policyAnswer(f.processor(), "unsubscribe+@bounces.example.org"), "action=550 5.1.1 recipient unknown\n\n");
}

TEST(UnsubscribeMail, OffItsAddressIsRefusedAsAnyUnknownLocalPart)
{
    Fixture f("");
    const std::vector<std::string> replies = lmtpRcptReplies(f.processor(), {kValid});
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].rfind("550 5.1.1 ", 0), 0u) << replies[0];
    EXPECT_EQ(policyAnswer(f.processor(), kValid), "action=550 5.1.1 recipient unknown\n\n");
}

TEST(UnsubscribeMail, AnotherLocalPartMovesTheAddress)
{
    Fixture f("optout");
    const std::string optout = "optout+4711-xvnx32u26if4dg652w2b3463ys@bounces.example.org";
    std::string detail;
    EXPECT_EQ(f.processor().checkRecipient(optout, detail), RecipientStatus::Ours);
    EXPECT_EQ(f.processor().checkRecipient(kValid, detail), RecipientStatus::NotOurs);
}

TEST(UnsubscribeMail, AMalformedTokenThatGotPastRcptIsDroppedUnseen)
{
    // A pipe regexp or a mailbox may hand one over: dropped with a log line, never
    // stored (no database was asked: it is down here).
    Fixture f;
    std::string detail;
    EXPECT_EQ(f.processor().take(requestTo(kMalformed), detail), Outcome::UnsubscribeRefused);
    EXPECT_TRUE(f.log().logged("action=unsubscribe sender=<a@example.org> status=unsubscribe-refused "
                               "reason=\"malformed token\""));
    EXPECT_EQ(lmtpDataReply(Outcome::UnsubscribeRefused, detail).rfind("250 2.0.0 ", 0), 0u);
    EXPECT_EQ(pipeAnswer(Outcome::UnsubscribeRefused, detail).exitStatus, 0);
}

TEST(UnsubscribeMail, WithoutTheKeyARequestWaitsAndSaysWhy)
{
    Fixture f;  // the key file does not exist
    std::string detail;
    const Outcome outcome = f.processor().take(requestTo(kValid), detail);
    EXPECT_EQ(outcome, Outcome::ConfigurationError);
    EXPECT_NE(detail.find("unsubscribe.keyFile"), std::string::npos) << detail;
    EXPECT_EQ(lmtpDataReply(outcome, detail).rfind("451 4.3.5 ", 0), 0u) << lmtpDataReply(outcome, detail);
    EXPECT_EQ(pipeAnswer(outcome, detail).exitStatus, 75);
    EXPECT_TRUE(f.log().logged("action=unsubscribe sender=<a@example.org> status=deferred reason=\"cannot check "
                               "unsubscribe requests"));
}

TEST(UnsubscribeMail, AKeyFilePutRightCuresTheNextAttempt)
{
    // A long-running server reads the key again rather than waiting for a restart: the
    // retry gets as far as the database (down here).
    Fixture f;
    std::string detail;
    ASSERT_EQ(f.processor().take(requestTo(kValid), detail), Outcome::ConfigurationError);
    f.writeKey();
    detail.clear();
    EXPECT_EQ(f.processor().take(requestTo(kValid), detail), Outcome::DatabaseUnavailable) << detail;
}

TEST(UnsubscribeMail, DatabaseDownIsARetry)
{
    Fixture f;
    f.settings.unsubscribeKey = kKey;  // as bouncerSettingsFrom read it at start
    std::string detail;
    const Outcome outcome = f.processor().take(requestTo(kValid), detail);
    EXPECT_EQ(outcome, Outcome::DatabaseUnavailable) << detail;
    EXPECT_EQ(lmtpDataReply(outcome, detail).rfind("451 4.3.0 ", 0), 0u);
    EXPECT_EQ(pipeAnswer(outcome, detail).exitStatus, 75);
    EXPECT_TRUE(f.log().logged("action=unsubscribe sender=<a@example.org> status=deferred"));
}

TEST(UnsubscribeMail, LmtpAnswersTheRequestAfterData)
{
    Fixture f;  // no key: 451 after DATA, the message stays queued at Postfix
    ScriptedStream stream({"LHLO postfix\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<" + kValid +
                           ">\r\nDATA\r\nSubject: unsubscribe\r\n\r\n.\r\nQUIT\r\n"});
    LineChannel channel(stream);
    ProcessorDesk desk(f.processor());
    LmtpSettings settings;
    settings.hostname = "mx.test";
    settings.maxMessageBytes = 1 << 20;
    LmtpSession(channel, desk, settings, "unix", testing::quietLogger()).run();
    const std::vector<std::string> lines = testing::replyLines(stream.sent);
    ASSERT_EQ(lines.size(), 12u) << stream.sent;
    EXPECT_EQ(lines[8], "250 2.1.5 Ok");
    EXPECT_EQ(lines[10].rfind("451 4.3.5 verpmail-bouncer configuration error: cannot check unsubscribe requests", 0), 0u)
        << lines[10];
}

TEST(UnsubscribeMail, SettingsReadTheKeyButNeverFailOnIt)
{
    TempDir dir;
    auto config = test::defaultConfig();
    const std::string keyFile = dir.path + "/unsubscribe.key";
    config->setString("unsubscribe.keyFile", keyFile);

    // On by default; a missing key is a problem noted, not an error: returns go on.
    BouncerSettings b = bouncerSettingsFrom(*config);
    EXPECT_EQ(b.unsubscribeLocalPart, "unsubscribe");
    EXPECT_EQ(b.unsubscribeKeyFile, keyFile);
    EXPECT_EQ(b.unsubscribeKey, "");
    EXPECT_NE(b.unsubscribeKeyProblem.find(keyFile), std::string::npos) << b.unsubscribeKeyProblem;

    dir.privateFile("unsubscribe.key", kKey + "\n");
    b = bouncerSettingsFrom(*config);
    EXPECT_EQ(b.unsubscribeKey, kKey);
    EXPECT_EQ(b.unsubscribeKeyProblem, "");

    ::chmod(keyFile.c_str(), 0640);
    b = bouncerSettingsFrom(*config);
    EXPECT_EQ(b.unsubscribeKey, "");
    EXPECT_NE(b.unsubscribeKeyProblem.find("chmod 600"), std::string::npos) << b.unsubscribeKeyProblem;

    // Off: the key is not read at all.
    config->setString("bouncer.unsubscribeLocalPart", "");
    b = bouncerSettingsFrom(*config);
    EXPECT_EQ(b.unsubscribeLocalPart, "");
    EXPECT_EQ(b.unsubscribeKeyProblem, "");

    config->setString("bouncer.unsubscribeLocalPart", " OptOut ");
    EXPECT_EQ(bouncerSettingsFrom(*config).unsubscribeLocalPart, "optout");
    for (const char* bad : {"un+sub", "a@b", "un sub", "un\"sub"}) {
        config->setString("bouncer.unsubscribeLocalPart", bad);
        EXPECT_THROW(bouncerSettingsFrom(*config), ConfigError) << bad;
    }
}

} // namespace
} // namespace verpmail
