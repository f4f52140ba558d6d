#include "verpmail/db/DeadlockRetry.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

MysqlError deadlock() { return MysqlError(1213, "40001", "Deadlock found when trying to get lock"); }

TEST(DeadlockRetry, RetriesLockConflictsUntilTheWorkSucceeds)
{
    int calls = 0;
    const int got = withDeadlockRetry([&] {
        if (++calls < 3)
            throw deadlock();
        return 42;
    });
    EXPECT_EQ(got, 42);
    EXPECT_EQ(calls, 3);
}

TEST(DeadlockRetry, OtherErrorsAreNotRetried)
{
    int calls = 0;
    EXPECT_THROW(withDeadlockRetry([&] {
                     ++calls;
                     throw MysqlError(1146, "42S02", "Table doesn't exist");
                 }),
                 MysqlError);
    EXPECT_EQ(calls, 1);
}

TEST(DeadlockRetry, GivesUpAfterTheLastAttempt)
{
    int calls = 0;
    try {
        withDeadlockRetry(
            [&] {
                ++calls;
                throw deadlock();
            },
            3);
        FAIL() << "no exception";
    } catch (const MysqlError& e) {
        EXPECT_EQ(e.errorNumber(), 1213u);
    }
    EXPECT_EQ(calls, 3);
}

} // namespace
} // namespace verpmail
