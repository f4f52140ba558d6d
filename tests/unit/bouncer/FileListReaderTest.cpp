#include "FileListReader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace verpmail {
namespace {

class FileListReaderTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        char pattern[] = "/tmp/verpmail-filelist-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        _dir = pattern;
        ASSERT_EQ(::mkdir((_dir + "/a").c_str(), 0700), 0);
        ASSERT_EQ(::mkdir((_dir + "/b").c_str(), 0700), 0);
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

TEST_F(FileListReaderTest, ReadsFilesAcrossDirectoriesInAnyOrder)
{
    // Same directory twice, another one, back again, a bare relative name, the root.
    const std::string a1 = write("a/1", "first file");
    const std::string a2 = write("a/2", std::string(70000, 'x'));  // larger than the first read
    const std::string b1 = write("b/1", "");
    const std::string a3 = write("a/3", "third");
    FileListReader reader(1 << 20);
    const struct
    {
        std::string path;
        std::string expected;
    } cases[] = {
        {a1, "first file"}, {a2, std::string(70000, 'x')}, {b1, ""}, {a3, "third"}, {a1, "first file"},
    };
    for (const auto& c : cases) {
        const auto data = reader.read(c.path);
        ASSERT_TRUE(data.has_value()) << c.path;
        EXPECT_EQ(std::string(*data), c.expected) << c.path;
    }
    char cwd[4096];
    ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
    ASSERT_EQ(::chdir((_dir + "/a").c_str()), 0);
    const auto bare = reader.read("3");
    const std::string bareText = bare ? std::string(*bare) : "(none)";
    ASSERT_EQ(::chdir(cwd), 0);
    EXPECT_EQ(bareText, "third");
    // "/" + name: the directory is the root, not an empty string.
    EXPECT_FALSE(reader.read("/verpmail-no-such-file-here").has_value());
}

TEST_F(FileListReaderTest, KeepsOnlyMaxBytes)
{
    const std::string path = write("a/big", std::string(5000, 'y') + "tail");
    FileListReader reader(5000);
    const auto data = reader.read(path);
    ASSERT_TRUE(data.has_value());
    EXPECT_EQ(*data, std::string(5000, 'y'));
}

TEST_F(FileListReaderTest, MissingFilesAndDirectoriesFailWithoutSpoilingTheNext)
{
    const std::string good = write("b/good", "ok");
    FileListReader reader(1 << 20);
    const std::string missing[] = {_dir + "/a/none", _dir + "/nodir/none", "no-such-relative-file"};
    for (const auto& path : missing) {
        EXPECT_FALSE(reader.read(path).has_value()) << path;
        const auto data = reader.read(good);
        ASSERT_TRUE(data.has_value()) << "after " << path;
        EXPECT_EQ(*data, "ok");
    }
    // A directory opens but reads as empty, as an istream would (--parse then says
    // "no header" for it).
    const auto directory = reader.read(_dir + "/b/");
    ASSERT_TRUE(directory.has_value());
    EXPECT_EQ(*directory, "");
}

TEST_F(FileListReaderTest, ReadsAPipeToItsEnd)
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
    FileListReader reader(1 << 20);
    const auto data = reader.read("/dev/fd/" + std::to_string(fds[0]));
    ::close(fds[0]);
    ASSERT_TRUE(data.has_value());
    EXPECT_EQ(*data, "part,part,part,");
}

} // namespace
} // namespace verpmail
