// PrivateFile: the mode and owner check of MySQL option files and password files.
#include "verpmail/db/Accounts.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/db/PrivateFile.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace verpmail {
namespace {

class PrivateFileTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        char dir[] = "/tmp/verpmail-private-XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        _dir = dir;
        _path = _dir + "/my.cnf";
        std::ofstream(_path) << "secret\n";
        ::chmod(_path.c_str(), 0600);
    }
    void TearDown() override
    {
        ::unlink(_path.c_str());
        ::rmdir(_dir.c_str());
    }

    std::string error(const std::string& path)
    {
        try {
            checkPrivateFile(path, "mysql.optionFile");
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    }

    std::string _dir;
    std::string _path;
};

TEST_F(PrivateFileTest, AcceptsMode0600OwnedByTheRunningUser)
{
    EXPECT_EQ(error(_path), "");
    ::chmod(_path.c_str(), 0400);
    EXPECT_EQ(error(_path), "");
}

TEST_F(PrivateFileTest, RefusesGroupOrOtherBitsNamingTheFix)
{
    for (const mode_t mode : {0640, 0604, 0620, 0602, 0660, 0644}) {
        ::chmod(_path.c_str(), mode);
        const std::string e = error(_path);
        EXPECT_NE(e.find("chmod 600 " + _path), std::string::npos) << mode << ": " << e;
        EXPECT_NE(e.find("mysql.optionFile"), std::string::npos) << e;
    }
}

TEST_F(PrivateFileTest, RefusesAMissingFileOrADirectory)
{
    EXPECT_NE(error(_dir + "/missing.cnf").find("cannot read"), std::string::npos);
    EXPECT_NE(error("").find("cannot read"), std::string::npos);
    ::chmod(_dir.c_str(), 0700);
    EXPECT_NE(error(_dir).find("not a regular file"), std::string::npos);
}

TEST_F(PrivateFileTest, RefusesAFileOwnedBySomeoneElseThanTheUserOrRoot)
{
    ASSERT_EQ(::chown(_path.c_str(), 65534, static_cast<gid_t>(-1)), 0)
        << "cannot give a file away: run the tests as root (scripts/test does)";
    const std::string e = error(_path);
    EXPECT_NE(e.find("owned by uid 65534"), std::string::npos) << e;
    EXPECT_NE(e.find("chown"), std::string::npos) << e;
}

TEST_F(PrivateFileTest, MysqlConnectionChecksItsOptionFileBeforeConnecting)
{
    ::chmod(_path.c_str(), 0644);
    MysqlOptions options;
    options.optionFile = _path;
    options.optionFileKey = "bouncer.mysql.optionFile";
    try {
        MysqlConnection db(options);
        FAIL() << "connected with a world-readable option file";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("bouncer.mysql.optionFile"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    }
}

TEST_F(PrivateFileTest, PasswordFileGivesItsFirstLine)
{
    std::ofstream(_path) << "s3cret pass\r\nsecond line\n";
    EXPECT_EQ(readPasswordFile(_path, "--bouncer-password-file"), "s3cret pass");
    std::ofstream(_path) << "\n";
    EXPECT_THROW(readPasswordFile(_path, "--bouncer-password-file"), ConfigError);
    std::ofstream(_path) << "pw\n";
    ::chmod(_path.c_str(), 0644);
    EXPECT_THROW(readPasswordFile(_path, "--bouncer-password-file"), ConfigError);
}

} // namespace
} // namespace verpmail
