#include "BoundedInput.h"
#include "ParseCommand.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace verpmail {
namespace {

TEST(BoundedInput, KeepsTheFirstBytesAndCountsTheRest)
{
    std::istringstream in(std::string(200000, 'x'));
    const BoundedRead r = readBounded(in, 1000);
    EXPECT_EQ(r.data.size(), 1000u);
    EXPECT_EQ(r.totalBytes, 200000u);
}

TEST(BoundedInput, EmptyInput)
{
    std::istringstream in("");
    const BoundedRead r = readBounded(in, 1000);
    EXPECT_TRUE(r.data.empty());
    EXPECT_EQ(r.totalBytes, 0u);
}

/// Files of a temporary directory, as --parse reads them.
class BoundedFileInput : public ::testing::Test
{
protected:
    void SetUp() override
    {
        char pattern[] = "/tmp/verpmail-bounded-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        _dir = pattern;
    }
    void TearDown() override { EXPECT_EQ(std::system(("rm -rf '" + _dir + "'").c_str()), 0); }

    std::string write(const std::string& name, const std::string& content)
    {
        const std::string path = _dir + "/" + name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    std::string _dir;
};

TEST_F(BoundedFileInput, ReadsFilesLargerThanOneReadAndKeepsOnlyMaxBytes)
{
    const std::string big = write("big", std::string(70000, 'x') + "tail");  // more than one 64 KiB read
    std::ifstream whole(big, std::ios::binary);
    EXPECT_EQ(readBounded(whole, 1 << 20).data, std::string(70000, 'x') + "tail");
    std::ifstream cut(big, std::ios::binary);
    const BoundedRead r = readBounded(cut, 5000);
    EXPECT_EQ(r.data, std::string(5000, 'x'));
    EXPECT_EQ(r.totalBytes, 70004u);
}

TEST_F(BoundedFileInput, ADirectoryReadsAsEmpty)
{
    // It opens, and its read fails as an istream's does (--parse then says "no header").
    std::ifstream in(_dir, std::ios::binary);
    ASSERT_TRUE(in.is_open());
    EXPECT_EQ(readBounded(in, 1 << 20).data, "");
}

TEST_F(BoundedFileInput, ReadsAPipeToItsEnd)
{
    // A pipe reads short before its end: it must not be taken for a regular file.
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(fds[0]);
        for (int i = 0; i < 3; ++i) {
            (void)!::write(fds[1], "part,", 5);
            ::usleep(20000);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::ifstream in("/dev/fd/" + std::to_string(fds[0]), std::ios::binary);
    const BoundedRead r = readBounded(in, 1 << 20);
    ::close(fds[0]);
    EXPECT_EQ(r.data, "part,part,part,");
}

TEST_F(BoundedFileInput, ParseNamesAFileItCannotReadAndGoesOn)
{
    const std::string good = write("good", "Subject: x\n\nbody\n");
    ::testing::internal::CaptureStdout();
    const ExitStatus status = runParseCommand({_dir + "/none", good, "no-such-relative-file", good});
    const std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(status, ExitStatus::NoInput);
    // One line per readable file, in the order given.
    const std::string line = "{\"file\":\"" + good + "\",\"kind\":\"other\",\"recipients\":[]}\n";
    EXPECT_EQ(out, line + line);
}

} // namespace
} // namespace verpmail
