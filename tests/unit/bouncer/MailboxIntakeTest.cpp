// processMbox / processMaildir with a handler standing in for the database.
#include "MaildirIntake.h"
#include "MboxIntake.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace verpmail {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void spit(const fs::path& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

class TempDir : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "verpmail-intake-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        _dir = pattern;
    }
    void TearDown() override { fs::remove_all(_dir); }

    fs::path _dir;
};

/// A handler that records messages whose data contains "ok" and finds the database
/// gone at any other.
Outcome byContent(IncomingMessage& m)
{
    return m.data.find("ok") != std::string::npos ? Outcome::Recorded : Outcome::DatabaseUnavailable;
}

const std::string kOne = "From a@x.example Mon Jan  1 00:00:00 2024\nSubject: ok 1\n\n>From quoted\n\n";
const std::string kKeep = "From b@x.example Mon Jan  1 00:00:00 2024\nSubject: keep\n\nbody\n\n";
const std::string kTwo = "From c@x.example Mon Jan  1 00:00:00 2024\nSubject: ok 2\n\nbody\n";  // last, no blank line
const std::string kDown = "From d@x.example Mon Jan  1 00:00:00 2024\nSubject: down\n\nbody\n\n";

using MboxIntake = TempDir;

TEST_F(MboxIntake, MovesProcessedMessagesOutVerbatim)
{
    const fs::path mbox = _dir / "bounces";
    spit(mbox, kOne + kTwo);
    const IntakeResult r = processMbox(mbox.string(), 1 << 20, byContent);
    EXPECT_EQ(r.messages, 2u);
    EXPECT_EQ(r.processed, 2u);
    EXPECT_EQ(r.left, 0u);
    EXPECT_EQ(slurp(mbox), "");
    // Verbatim, quoting kept, and a valid mbox (the last message got its empty line).
    EXPECT_EQ(slurp(processedMboxPath(mbox.string())), kOne + kTwo + "\n");
    EXPECT_FALSE(fs::exists(mbox.string() + ".lock"));

    // A rerun: what stays is not processed again; FILE.processed grows by appending.
    spit(mbox, kOne + kKeep);
    const IntakeResult again = processMbox(mbox.string(), 1 << 20, byContent);
    EXPECT_EQ(again.processed, 1u);
    EXPECT_EQ(again.left, 1u);
    EXPECT_EQ(slurp(mbox), kKeep);
    EXPECT_EQ(slurp(processedMboxPath(mbox.string())), kOne + kTwo + "\n" + kOne);
}

TEST_F(MboxIntake, StopsAtAFailureAndLeavesEverythingAfterIt)
{
    const fs::path mbox = _dir / "bounces";
    spit(mbox, kOne + kDown + kKeep + kTwo);
    int calls = 0;
    const IntakeResult r = processMbox(mbox.string(), 1 << 20, [&](IncomingMessage& m) {
        ++calls;
        return byContent(m);
    });
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(r.processed, 1u);
    EXPECT_EQ(r.left, 3u);
    EXPECT_EQ(slurp(mbox), kDown + kKeep + kTwo);
    EXPECT_EQ(slurp(processedMboxPath(mbox.string())), kOne);
}

TEST_F(MboxIntake, NothingProcessedLeavesTheFileUntouched)
{
    const fs::path mbox = _dir / "bounces";
    spit(mbox, kDown + kOne);
    const IntakeResult r = processMbox(mbox.string(), 1 << 20, byContent);
    EXPECT_EQ(r.processed, 0u);
    EXPECT_EQ(r.left, 2u);
    EXPECT_EQ(slurp(mbox), kDown + kOne);
    EXPECT_FALSE(fs::exists(processedMboxPath(mbox.string())));
}

TEST_F(MboxIntake, AllProcessedEmptiesTheFile)
{
    const fs::path mbox = _dir / "bounces";
    spit(mbox, kOne + kTwo);
    const IntakeResult r = processMbox(mbox.string(), 1 << 20, byContent);
    EXPECT_EQ(r.processed, 2u);
    EXPECT_EQ(fs::file_size(mbox), 0u);
}

TEST_F(MboxIntake, HandsOverUnquotedDataAndTheSender)
{
    const fs::path mbox = _dir / "bounces";
    spit(mbox, kOne);
    IncomingMessage seen;
    processMbox(mbox.string(), 1 << 20, [&](IncomingMessage& m) {
        seen = m;
        return Outcome::DatabaseUnavailable;
    });
    EXPECT_EQ(seen.data, "Subject: ok 1\n\nFrom quoted\n");
    EXPECT_EQ(seen.sender, "a@x.example");
    EXPECT_NE(seen.source.find("offset=0"), std::string::npos);
}

TEST_F(MboxIntake, UnusableInputIsUnreadable)
{
    const auto kind = [&](const fs::path& path) {
        try {
            processMbox(path.string(), 1 << 20, byContent);
        } catch (const IntakeError& e) {
            return static_cast<int>(e.kind());
        }
        return -1;
    };
    EXPECT_EQ(kind(_dir / "missing"), static_cast<int>(IntakeError::Kind::Unreadable));
    spit(_dir / "text", "Subject: not an mbox\n\nhello\n");
    EXPECT_EQ(kind(_dir / "text"), static_cast<int>(IntakeError::Kind::Unreadable));
    EXPECT_EQ(slurp(_dir / "text"), "Subject: not an mbox\n\nhello\n");
    EXPECT_EQ(kind(_dir), static_cast<int>(IntakeError::Kind::Unreadable));
}

TEST_F(MboxIntake, WaitsForAForeignDotLockThenGivesUp)
{
    const fs::path mbox = _dir / "bounces";
    spit(mbox, kOne);
    spit(mbox.string() + ".lock", "12345\n");
    try {
        processMbox(mbox.string(), 1 << 20, byContent, std::chrono::seconds(0));
        ADD_FAILURE() << "no IntakeError";
    } catch (const IntakeError& e) {
        EXPECT_EQ(e.kind(), IntakeError::Kind::Busy);
    }
    EXPECT_EQ(slurp(mbox), kOne);
    EXPECT_TRUE(fs::exists(mbox.string() + ".lock"));  // not ours: left alone
}

using MaildirIntake = TempDir;

TEST_F(MaildirIntake, MovesProcessedMessagesToTheProcessedFolder)
{
    for (const char* sub : {"new", "cur", "tmp"})
        fs::create_directory(_dir / sub);
    spit(_dir / "new" / "1700000001.a.host", "Subject: ok new\n\n");
    spit(_dir / "cur" / "1700000002.b.host:2,RF", "Subject: ok cur\n\n");
    spit(_dir / "cur" / "1700000003.c.host:2,", "Subject: keep\n\n");  // read last: new/ comes first
    spit(_dir / "tmp" / "1700000004.d.host", "Subject: ok in delivery\n\n");

    const IntakeResult r = processMaildir(_dir.string(), 1 << 20, byContent);
    EXPECT_EQ(r.messages, 3u);
    EXPECT_EQ(r.processed, 2u);
    EXPECT_EQ(r.left, 1u);
    const fs::path done = processedMaildirPath(_dir.string());
    EXPECT_EQ(slurp(done / "cur" / "1700000001.a.host:2,S"), "Subject: ok new\n\n");
    EXPECT_EQ(slurp(done / "cur" / "1700000002.b.host:2,FRS"), "Subject: ok cur\n\n");
    EXPECT_TRUE(fs::is_directory(done / "new"));
    EXPECT_TRUE(fs::is_directory(done / "tmp"));
    EXPECT_TRUE(fs::exists(_dir / "cur" / "1700000003.c.host:2,"));
    EXPECT_TRUE(fs::exists(_dir / "tmp" / "1700000004.d.host"));

    const IntakeResult again = processMaildir(_dir.string(), 1 << 20, byContent);
    EXPECT_EQ(again.processed, 0u);
    EXPECT_EQ(again.left, 1u);
}

TEST_F(MaildirIntake, StopsAtAFailure)
{
    for (const char* sub : {"new", "cur", "tmp"})
        fs::create_directory(_dir / sub);
    spit(_dir / "new" / "1", "Subject: ok\n\n");
    spit(_dir / "new" / "2", "Subject: down\n\n");
    spit(_dir / "new" / "3", "Subject: ok\n\n");
    const IntakeResult r = processMaildir(_dir.string(), 1 << 20, byContent);
    EXPECT_EQ(r.processed, 1u);
    EXPECT_EQ(r.left, 2u);
    EXPECT_TRUE(fs::exists(_dir / "new" / "2"));
    EXPECT_TRUE(fs::exists(_dir / "new" / "3"));
}

TEST_F(MaildirIntake, NotAMaildirIsUnreadable)
{
    try {
        processMaildir(_dir.string(), 1 << 20, byContent);
        ADD_FAILURE() << "no IntakeError";
    } catch (const IntakeError& e) {
        EXPECT_EQ(e.kind(), IntakeError::Kind::Unreadable);
    }
}

TEST(MaildirNames, ProcessedNameAddsTheSeenFlag)
{
    struct Row
    {
        std::string in, want;
    } rows[] = {
        {"1.a.host", "1.a.host:2,S"},
        {"1.a.host:2,", "1.a.host:2,S"},
        {"1.a.host:2,S", "1.a.host:2,S"},
        {"1.a.host:2,RF", "1.a.host:2,FRS"},
        {"1.a.host,S=123:2,T", "1.a.host,S=123:2,ST"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(processedName(row.in), row.want);
    }
}

} // namespace
} // namespace verpmail
