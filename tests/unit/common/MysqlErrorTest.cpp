#include "verpmail/db/MysqlError.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

TEST(MysqlError, SaysWhatAnOperatorCanDo)
{
    const struct
    {
        unsigned number;
        bool transient;
        bool schemaBehind;
        bool dataError;
    } cases[] = {
        {2002, true, false, false},   // cannot connect through the socket
        {2013, true, false, false},   // lost connection during a query
        {1213, true, false, false},   // deadlock
        {1205, true, false, false},   // lock wait timeout
        {1290, true, false, false},   // read_only server
        {1047, true, false, false},   // a Galera node not ready (WSREP has not yet prepared node)
        {1146, false, true, false},   // no such table
        {1054, false, true, false},   // unknown column
        {1305, false, true, false},   // no such procedure (sql/006 not applied)
        {1045, false, false, false},  // access denied: a human fixes the credentials
        {1142, false, false, false},  // command denied on a table: a grant is missing
        {1062, false, false, false},  // duplicate key
        {1366, false, false, true},   // incorrect string value (8-bit bytes in an ascii column)
        {1406, false, false, true},   // data too long for the column
        {1265, false, false, true},   // data truncated
        {1292, false, false, true},   // truncated incorrect value
        {1267, false, false, true},   // illegal mix of collations
        {1048, false, false, true},   // column cannot be null
    };
    for (const auto& c : cases) {
        const MysqlError e(c.number, "HY000", "text");
        EXPECT_EQ(e.isTransient(), c.transient) << c.number;
        EXPECT_EQ(e.isSchemaBehind(), c.schemaBehind) << c.number;
        EXPECT_EQ(e.isDataError(), c.dataError) << c.number;
        const std::string described = e.describe();
        EXPECT_EQ(described.find("db migrate") != std::string::npos, c.schemaBehind) << described;
        EXPECT_EQ(described.rfind(e.what(), 0), 0u) << described;
    }
}

TEST(MysqlError, AnySqlStateOfClass22IsADataError)
{
    EXPECT_TRUE(MysqlError(9999, "22007", "text").isDataError());
    EXPECT_TRUE(MysqlError(9999, "22001", "text").isDataError());
    EXPECT_FALSE(MysqlError(9999, "23000", "text").isDataError());
    EXPECT_FALSE(MysqlError(9999, "HY000", "text").isDataError());
}

// A refused account or database is the option file's to fix (exit 78), never retried.
TEST(MysqlError, ARefusedAccountIsAConfigurationError)
{
    for (const unsigned code : {1044u, 1045u, 1049u, 1698u}) {
        const MysqlError e(code, "28000", "\"/etc/verpmail/my.cnf\" (mysql.optionFile): Access denied");
        EXPECT_TRUE(e.isAccountRefused()) << code;
        EXPECT_FALSE(e.isTransient()) << code;
        EXPECT_NE(e.describe().find("check user, password and database"), std::string::npos) << code;
    }
    EXPECT_FALSE(MysqlError(2003, "HY000", "Can't connect").isAccountRefused());
    const MysqlError denied(1142, "42000", "DROP command denied to user 'v'@'localhost'");
    EXPECT_TRUE(denied.isAccountRefused());
    EXPECT_NE(denied.describe().find("lacks a privilege"), std::string::npos);
}

} // namespace
} // namespace verpmail
