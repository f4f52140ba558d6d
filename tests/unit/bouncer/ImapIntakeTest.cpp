// processImap against a mailbox kept in memory, and the bouncer.imap.* settings.
#include "ImapIntake.h"

#include "verpmail/db/MysqlError.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace verpmail {
namespace {

/// A mailbox in memory: what processImap asked for, and the flags and moves it made.
class FakeMailbox : public ImapSession
{
public:
    std::map<std::uint32_t, std::string> messages;
    std::map<std::uint32_t, std::set<std::string>> flags;
    std::map<std::uint32_t, std::string> movedTo;
    std::string criteria;
    std::uint32_t failStoreOf = 0;

    std::vector<std::uint32_t> search(const std::string& c) override
    {
        criteria = c;
        std::vector<std::uint32_t> uids;
        for (const auto& [uid, text] : messages)
            if (movedTo.count(uid) == 0)
                uids.push_back(uid);
        return uids;
    }
    std::optional<ImapMessage> fetch(std::uint32_t uid, std::size_t maxBytes) override
    {
        const auto it = messages.find(uid);
        if (it == messages.end())
            return std::nullopt;
        return ImapMessage{it->second.substr(0, maxBytes), it->second.size()};
    }
    void addFlags(std::uint32_t uid, const std::string& added) override
    {
        if (uid == failStoreOf)
            throw ImapError("STORE: connection reset");
        std::size_t start = 0;
        while (start < added.size()) {
            const std::size_t end = std::min(added.find(' ', start), added.size());
            flags[uid].insert(added.substr(start, end - start));
            start = end + 1;
        }
    }
    void move(std::uint32_t uid, const std::string& mailbox) override { movedTo[uid] = mailbox; }
};

/// The database's answer by content: "refuse", "down", or stored.
Outcome byContent(IncomingMessage& m)
{
    if (m.data.find("refuse") != std::string::npos)
        return Outcome::Unrecordable;
    if (m.data.find("down") != std::string::npos)
        return Outcome::DatabaseUnavailable;
    if (m.data.find("dup") != std::string::npos)
        return Outcome::Duplicate;
    return Outcome::Recorded;
}

ImapIntakeSettings flagSettings()
{
    ImapIntakeSettings settings;
    settings.server.url = "imaps://mail.example.org/INBOX";
    return settings;
}

TEST(ImapIntake, FlagsWhatWasStoredAndMarksTheRefused)
{
    FakeMailbox box;
    box.messages = {{3, "a return"}, {5, "a dup"}, {8, "refuse me"}};
    std::vector<std::string> sources;
    const IntakeResult r = processImap(box, flagSettings(), 1000, [&](IncomingMessage& m) {
        sources.push_back(m.source);
        return byContent(m);
    });
    EXPECT_EQ(r.messages, 3u);
    EXPECT_EQ(r.processed, 3u);
    EXPECT_EQ(r.left, 0u);
    EXPECT_EQ(box.flags[3], (std::set<std::string>{"$VerpmailRecorded", "\\Seen"}));
    EXPECT_EQ(box.flags[5], (std::set<std::string>{"$VerpmailRecorded", "\\Seen"}));
    EXPECT_EQ(box.flags[8], (std::set<std::string>{kRefusedKeyword})) << "refused: not flagged as recorded";
    EXPECT_TRUE(box.movedTo.empty());
    EXPECT_EQ(sources.front(), "imap=imaps://mail.example.org/INBOX uid=3");
    EXPECT_EQ(box.criteria, "UNDELETED UNKEYWORD $VerpmailRefused UNKEYWORD $VerpmailRecorded");
}

TEST(ImapIntake, StopsAtARetryableOutcomeAndMarksNothingMore)
{
    FakeMailbox box;
    box.messages = {{1, "first"}, {2, "database down"}, {3, "third"}};
    int calls = 0;
    const IntakeResult r = processImap(box, flagSettings(), 1000, [&](IncomingMessage& m) {
        ++calls;
        return byContent(m);
    });
    EXPECT_EQ(calls, 2) << "no message after the database went down is read";
    EXPECT_EQ(r.processed, 1u);
    EXPECT_EQ(r.left, 2u);
    EXPECT_EQ(box.flags.count(2), 0u);
    EXPECT_EQ(box.flags.count(3), 0u);
    EXPECT_EQ(box.flags.count(1), 1u);
}

TEST(ImapIntake, MovesAfterFlagging)
{
    FakeMailbox box;
    box.messages = {{4, "a return"}, {6, "refuse me"}};
    ImapIntakeSettings settings = flagSettings();
    settings.after = ImapIntakeSettings::After::Move;
    settings.moveTo = "Processed";
    processImap(box, settings, 1000, byContent);
    EXPECT_EQ(box.movedTo, (std::map<std::uint32_t, std::string>{{4, "Processed"}})) << "a refused one stays";
    EXPECT_EQ(box.flags[4].count("$VerpmailRecorded"), 1u);
    EXPECT_EQ(box.criteria, "UNDELETED UNKEYWORD $VerpmailRefused") << "a recorded one whose move failed is read again";
}

TEST(ImapIntake, BoundsTheMessageAndSkipsOneThatIsGone)
{
    FakeMailbox box;
    box.messages = {{1, std::string(100, 'x')}, {2, "expunged by another client"}};
    std::size_t kept = 0, total = 0;
    int calls = 0;
    const IntakeResult r = processImap(box, flagSettings(), 10, [&](IncomingMessage& m) {
        ++calls;
        kept = m.data.size();
        total = m.totalBytes;
        box.messages.erase(2);  // gone between the search and its fetch
        return Outcome::Recorded;
    });
    EXPECT_EQ(kept, 10u);
    EXPECT_EQ(total, 100u);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(r.left, 0u);
    EXPECT_EQ(box.flags.count(2), 0u);
}

TEST(ImapIntake, AServerFailureIsAnIntakeErrorOfItsOwn)
{
    FakeMailbox box;
    box.messages = {{1, "a return"}, {2, "another"}};
    box.failStoreOf = 1;
    try {
        processImap(box, flagSettings(), 1000, byContent);
        FAIL() << "no IntakeError";
    } catch (const IntakeError& e) {
        EXPECT_EQ(e.kind(), IntakeError::Kind::Unavailable);
        EXPECT_NE(std::string(e.what()).find("connection reset"), std::string::npos);
    }
    EXPECT_EQ(box.flags.count(2), 0u);
}

// ------------------------------------------------------------------ settings

class ImapSettingsTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "verpmail-imap-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        _dir = pattern;
        _password = _dir + "/imap.password";
        std::ofstream(_password) << "s3cret\r\nignored\n";
        ::chmod(_password.c_str(), 0600);
        _config = new Poco::Util::MapConfiguration;
        _config->setString("bouncer.imap.url", "imaps://mail.example.org/INBOX");
        _config->setString("bouncer.imap.user", "bounces");
        _config->setString("bouncer.imap.passwordFile", _password);
    }
    void TearDown() override { std::filesystem::remove_all(_dir); }

    /// The ConfigError's text, or "" when the settings are accepted.
    std::string problem()
    {
        try {
            imapIntakeSettingsFrom(*_config);
            return "";
        } catch (const ConfigError& e) {
            return e.what();
        }
    }

    std::string _dir;
    std::string _password;
    Poco::AutoPtr<Poco::Util::MapConfiguration> _config;
};

TEST_F(ImapSettingsTest, DefaultsAndThePasswordsFirstLine)
{
    const ImapIntakeSettings s = imapIntakeSettingsFrom(*_config);
    EXPECT_EQ(s.server.password, "s3cret");
    EXPECT_EQ(s.server.user, "bounces");
    EXPECT_TRUE(s.server.requireTls);
    EXPECT_EQ(s.after, ImapIntakeSettings::After::Flag);
    EXPECT_EQ(s.flag, "$VerpmailRecorded");
}

TEST_F(ImapSettingsTest, APasswordFileOthersCanReadIsRefused)
{
    ::chmod(_password.c_str(), 0644);
    EXPECT_NE(problem().find("chmod 600 " + _password), std::string::npos) << problem();
}

TEST_F(ImapSettingsTest, EachBadKeyIsNamed)
{
    _config->setString("bouncer.imap.after", "delete");
    EXPECT_NE(problem().find("bouncer.imap.after"), std::string::npos);
    _config->setString("bouncer.imap.after", "move");
    EXPECT_NE(problem().find("bouncer.imap.moveTo"), std::string::npos) << "move needs a mailbox";
    _config->setString("bouncer.imap.moveTo", "INBOX");
    EXPECT_NE(problem().find("bouncer.imap.moveTo"), std::string::npos) << "not the mailbox read";
    _config->setString("bouncer.imap.moveTo", "Processed");
    EXPECT_EQ(problem(), "");
    _config->setString("bouncer.imap.flag", "\\Seen");
    EXPECT_NE(problem().find("bouncer.imap.flag"), std::string::npos);
    _config->setString("bouncer.imap.flag", "$VerpmailRecorded");
    _config->setString("bouncer.imap.tls", "none");
    EXPECT_NE(problem().find("loopback"), std::string::npos);
    _config->setString("bouncer.imap.tls", "maybe");
    EXPECT_NE(problem().find("bouncer.imap.tls"), std::string::npos);
    _config->setString("bouncer.imap.tls", "required");
    _config->setString("bouncer.imap.url", "");
    EXPECT_NE(problem().find("bouncer.imap.url"), std::string::npos);
}

} // namespace
} // namespace verpmail
