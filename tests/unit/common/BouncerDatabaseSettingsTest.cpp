// The bouncer's database settings: its own option file and the cap on the raw
// message of unattributed returns.
#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <gtest/gtest.h>

#include "TestSupport.h"

namespace verpmail {
namespace {

TEST(BouncerDatabaseSettings, OwnOptionFileWhenSetElseTheSharedOne)
{
    auto config = test::defaultConfig();
    config->setString("mysql.optionFile", "/etc/verpmail/my.cnf");
    MysqlOptions shared = bouncerMysqlOptionsFrom(*config);
    EXPECT_EQ(shared.optionFile, "/etc/verpmail/my.cnf");
    EXPECT_EQ(shared.optionFileKey, "mysql.optionFile");

    config->setString("bouncer.mysql.optionFile", " /etc/verpmail/bouncer.cnf ");
    config->setString("mysql.readTimeout", "7");
    const MysqlOptions own = bouncerMysqlOptionsFrom(*config);
    EXPECT_EQ(own.optionFile, "/etc/verpmail/bouncer.cnf");
    EXPECT_EQ(own.optionFileKey, "bouncer.mysql.optionFile");
    EXPECT_EQ(own.readTimeout, 7u);  // the other mysql.* keys still apply
    EXPECT_EQ(mysqlOptionsFrom(*config).optionFile, "/etc/verpmail/my.cnf");
}

TEST(BouncerDatabaseSettings, UnattributedRawCapDefaultsTo64KiB)
{
    auto config = test::defaultConfig();
    EXPECT_EQ(bouncerSettingsFrom(*config).maxUnattributedBytes, 65536u);
    config->setString("bouncer.maxUnattributedBytes", "0");
    EXPECT_EQ(bouncerSettingsFrom(*config).maxUnattributedBytes, 0u);
    config->setString("bouncer.maxUnattributedBytes", "-1");
    EXPECT_THROW(bouncerSettingsFrom(*config), ConfigError);
    config->setString("bouncer.maxUnattributedBytes", "lots");
    EXPECT_THROW(bouncerSettingsFrom(*config), ConfigError);
}

} // namespace
} // namespace verpmail
