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
    } cases[] = {
        {2002, true, false},   // cannot connect through the socket
        {2013, true, false},   // lost connection during a query
        {1213, true, false},   // deadlock
        {1205, true, false},   // lock wait timeout
        {1146, false, true},   // no such table
        {1054, false, true},   // unknown column
        {1305, false, true},   // no such procedure (sql/006 not applied)
        {1045, false, false},  // access denied: a human fixes the credentials
        {1062, false, false},  // duplicate key
    };
    for (const auto& c : cases) {
        const MysqlError e(c.number, "HY000", "text");
        EXPECT_EQ(e.isTransient(), c.transient) << c.number;
        EXPECT_EQ(e.isSchemaBehind(), c.schemaBehind) << c.number;
        const std::string described = e.describe();
        EXPECT_EQ(described.find("db migrate") != std::string::npos, c.schemaBehind) << described;
        EXPECT_EQ(described.rfind(e.what(), 0), 0u) << described;
    }
}

} // namespace
} // namespace verpmail
