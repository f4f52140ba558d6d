// FileAccessTest: who can read a file, decided from mode, owner, group and the
// account's groups, with made-up accounts; and the lines FileChecks makes of it.
#include "check/FileAccess.h"
#include "check/FileChecks.h"

#include <gtest/gtest.h>

using namespace verpmail::check;

namespace {

const Account kRoot{"root", 0, {0}};
const Account kBouncer{"verpmail", 990, {990}};
const Account kInPostfix{"helper", 991, {991, 120}};  // supplementary group 120 ("postfix")

FileFacts file(mode_t mode, uid_t uid, gid_t gid)
{
    FileFacts f;
    f.mode = mode;
    f.uid = uid;
    f.gid = gid;
    return f;
}

FileFacts dir(mode_t mode, uid_t uid, gid_t gid)
{
    FileFacts f = file(mode, uid, gid);
    f.regular = false;
    f.directory = true;
    return f;
}

} // namespace

TEST(FileAccess, OwnerBitsApplyToTheOwner)
{
    EXPECT_TRUE(canRead(file(0600, 990, 0), kBouncer));
    EXPECT_FALSE(canRead(file(0200, 990, 0), kBouncer));
}

TEST(FileAccess, OwnerBitsWinEvenWhenTheGroupsWouldAllowMore)
{
    // The kernel uses the owner's triple for the owner, whatever the others say.
    EXPECT_FALSE(canRead(file(0044, 990, 990), kBouncer));
}

TEST(FileAccess, GroupBitsApplyThroughSupplementaryGroups)
{
    EXPECT_TRUE(canRead(file(0640, 0, 120), kInPostfix));
    EXPECT_FALSE(canRead(file(0600, 0, 120), kInPostfix));
    EXPECT_FALSE(canRead(file(0640, 0, 121), kInPostfix));
}

TEST(FileAccess, OthersBitsForEveryoneElse)
{
    EXPECT_TRUE(canRead(file(0644, 0, 0), kBouncer));
    EXPECT_FALSE(canRead(file(0640, 0, 0), kBouncer));
}

TEST(FileAccess, RootReadsEverything)
{
    EXPECT_TRUE(canRead(file(0000, 990, 990), kRoot));
}

TEST(FileAccess, DirectoriesNeedTheSearchBit)
{
    EXPECT_TRUE(canSearch(dir(0755, 0, 0), kBouncer));
    EXPECT_FALSE(canSearch(dir(0750, 0, 0), kBouncer));
    EXPECT_TRUE(canSearch(dir(0750, 0, 120), kInPostfix));
    const auto blocked = pathProblem({{"/", dir(0755, 0, 0)}, {"/etc/verpmail", dir(0700, 0, 0)}}, kBouncer);
    ASSERT_TRUE(blocked);
    EXPECT_NE(blocked->found.find("/etc/verpmail"), std::string::npos);
    EXPECT_FALSE(pathProblem({{"/", dir(0755, 0, 0)}}, kBouncer));
}

TEST(FileAccess, OptionFileOpenToOthersIsRefusedWithChmod)
{
    const auto problems = fileProblems("/e/my.cnf", file(0644, 0, 0), kRoot, FileRule::OptionFile);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].found.find("0644"), std::string::npos);
    EXPECT_EQ(problems[0].fix, "chmod 600 /e/my.cnf");
}

TEST(FileAccess, OptionFileOfAnotherUserIsRefusedWithChown)
{
    const auto problems = fileProblems("/e/b.cnf", file(0600, 991, 991), kBouncer, FileRule::OptionFile);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].fix, "chown verpmail /e/b.cnf");
}

TEST(FileAccess, RootOwnedPrivateFileIsUnreadableForAServiceUser)
{
    // The programs accept root as owner, but mode 0600 then locks the reader out.
    const auto problems = fileProblems("/e/b.cnf", file(0600, 0, 0), kBouncer, FileRule::OptionFile);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].found.find("verpmail cannot read it"), std::string::npos);
    EXPECT_EQ(problems[0].fix, "chown verpmail /e/b.cnf && chmod 600 /e/b.cnf");
}

TEST(FileAccess, SecretMayBeOwnedByAnyoneButMustBePrivateAndReadable)
{
    EXPECT_TRUE(fileProblems("/e/verp.key", file(0600, 990, 990), kBouncer, FileRule::Secret).empty());
    EXPECT_TRUE(fileProblems("/e/verp.key", file(0600, 990, 990), kRoot, FileRule::Secret).empty());
    EXPECT_EQ(fileProblems("/e/verp.key", file(0640, 990, 990), kBouncer, FileRule::Secret).size(), 1u);
    EXPECT_EQ(fileProblems("/e/verp.key", file(0600, 0, 0), kBouncer, FileRule::Secret).size(), 1u);
}

TEST(FileAccess, ReadableRuleAllowsAWorldReadableConfiguration)
{
    EXPECT_TRUE(fileProblems("/e/v.properties", file(0644, 0, 0), kBouncer, FileRule::Readable).empty());
    const auto problems = fileProblems("/e/v.properties", file(0600, 0, 0), kBouncer, FileRule::Readable);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].fix, "chmod 644 /e/v.properties");
}

TEST(FileAccess, NotARegularFile)
{
    const auto problems = fileProblems("/e/x", dir(0700, 0, 0), kRoot, FileRule::Secret);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].found, "not a regular file");
}

TEST(FileAccess, OctalMode)
{
    EXPECT_EQ(octalMode(0600), "0600");
    EXPECT_EQ(octalMode(04755), "4755");
}

TEST(FileChecks, MissingFileFailsNamingTheKey)
{
    CheckReport report;
    checkFile({"verp.keyFile", "/e/verp.key", FileRule::Secret, {kRoot}}, std::nullopt, {}, report);
    ASSERT_EQ(report.lines().size(), 1u);
    EXPECT_EQ(report.lines()[0].verdict, Verdict::Fail);
    EXPECT_EQ(report.lines()[0].name, "file.verp.keyFile");
    EXPECT_EQ(report.lines()[0].file, "/e/verp.key");
    EXPECT_NE(report.lines()[0].fix.find("verp.keyFile"), std::string::npos);
}

TEST(FileChecks, OneLinePerProblemOnceAcrossReaders)
{
    CheckReport report;
    // Open to others (both readers see it) and root-owned (the bouncer cannot read it).
    checkFile({"verp.keyFile", "/e/verp.key", FileRule::Secret, {kRoot, kBouncer}}, file(0604, 0, 0),
              {{"/", dir(0755, 0, 0)}}, report);
    ASSERT_EQ(report.lines().size(), 1u) << "0604 lets others read: the bouncer can, so only the mode is wrong";
    EXPECT_EQ(report.lines()[0].fix, "chmod 600 /e/verp.key");

    CheckReport second;
    checkFile({"verp.keyFile", "/e/verp.key", FileRule::Secret, {kRoot, kBouncer}}, file(0640, 0, 0),
              {{"/", dir(0755, 0, 0)}}, second);
    ASSERT_EQ(second.lines().size(), 2u);
    EXPECT_EQ(second.count(Verdict::Fail), 2u);
}

TEST(FileChecks, AllWellIsOneOkLineNamingTheReaders)
{
    CheckReport report;
    checkFile({"verp.keyFile", "/e/verp.key", FileRule::Secret, {kRoot, kBouncer}}, file(0600, 990, 990),
              {{"/", dir(0755, 0, 0)}, {"/e", dir(0755, 0, 0)}}, report);
    ASSERT_EQ(report.lines().size(), 1u);
    EXPECT_EQ(report.lines()[0].verdict, Verdict::Ok);
    EXPECT_NE(report.lines()[0].found.find("readable by root, verpmail"), std::string::npos) << report.lines()[0].found;
}

TEST(FileChecks, ADirectoryOnTheWayFails)
{
    CheckReport report;
    checkFile({"verp.keyFile", "/e/verp.key", FileRule::Secret, {kBouncer}}, file(0600, 990, 990),
              {{"/", dir(0755, 0, 0)}, {"/e", dir(0700, 0, 0)}}, report);
    ASSERT_EQ(report.lines().size(), 1u);
    EXPECT_EQ(report.lines()[0].verdict, Verdict::Fail);
    EXPECT_NE(report.lines()[0].found.find("directory /e"), std::string::npos);
}
