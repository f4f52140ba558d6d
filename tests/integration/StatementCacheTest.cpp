// The statement cache on a real MariaDB: a statement is prepared on the server once
// and reused, gives the same results as a fresh one, and a handle in a doubtful state
// (streamed result, error) is never reused. The server's own counter of COM_STMT_PREPARE
// for the session says how many prepares really happened.
#include "DatabaseFixture.h"

#include "verpmail/db/MysqlError.h"

namespace verpmail {
namespace {

class StatementCacheTest : public DatabaseFixture
{
protected:
    std::unique_ptr<MysqlConnection> cachedConnection(std::size_t capacity)
    {
        MysqlOptions options = mysqlOptionsFrom(config());
        options.statementCache = capacity;
        return std::make_unique<MysqlConnection>(options);
    }

    // Through the text protocol: a prepared statement would count itself.
    static std::int64_t prepares(MysqlConnection& db)
    {
        if (mysql_query(db.native(), "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'") != 0)
            return -1;
        MYSQL_RES* result = mysql_store_result(db.native());
        MYSQL_ROW row = result ? mysql_fetch_row(result) : nullptr;
        const std::int64_t n = row && row[1] ? std::stoll(row[1]) : -1;
        if (result)
            mysql_free_result(result);
        return n;
    }

    static std::int64_t plusOne(MysqlConnection& db, std::int64_t n)
    {
        MysqlStatement st = db.prepare("SELECT ? + 1");
        st.execute({n});
        return st.fetch() ? st.integer(0) : -1;
    }
};

TEST_F(StatementCacheTest, PreparesOnceWithTheCacheAndEachTimeWithout)
{
    struct Case
    {
        std::size_t capacity;
        int uses;
        std::int64_t wantPrepares;
    };
    for (const Case& c : {Case{8, 5, 1}, Case{0, 3, 3}}) {
        SCOPED_TRACE("capacity " + std::to_string(c.capacity));
        auto db = cachedConnection(c.capacity);
        const std::int64_t before = prepares(*db);
        for (std::int64_t n = 0; n < c.uses; ++n)
            EXPECT_EQ(plusOne(*db, n), n + 1);
        EXPECT_EQ(prepares(*db) - before, c.wantPrepares);
    }
}

TEST_F(StatementCacheTest, TwoLiveStatementsWithTheSameTextAreTwoHandles)
{
    auto db = cachedConnection(8);
    MysqlStatement a = db->prepare("SELECT ? * 2");
    MysqlStatement b = db->prepare("SELECT ? * 2");
    a.execute({21});
    b.execute({5});
    ASSERT_TRUE(a.fetch());
    ASSERT_TRUE(b.fetch());
    EXPECT_EQ(a.integer(0), 42);
    EXPECT_EQ(b.integer(0), 10);
}

TEST_F(StatementCacheTest, AHalfReadBufferedResultDoesNotLeakIntoTheNextUse)
{
    auto db = cachedConnection(8);
    {
        MysqlStatement st = db->prepare("SELECT seq FROM seq_1_to_10 WHERE seq > ?");
        st.execute({0});
        ASSERT_TRUE(st.fetch());  // one row of ten read, the rest left
    }
    MysqlStatement st = db->prepare("SELECT seq FROM seq_1_to_10 WHERE seq > ?");
    st.execute({8});
    std::vector<std::int64_t> rows;
    while (st.fetch())
        rows.push_back(st.integer(0));
    EXPECT_EQ(rows, (std::vector<std::int64_t>{9, 10}));
}

TEST_F(StatementCacheTest, StreamedAndFailedStatementsAreNotReused)
{
    auto db = cachedConnection(8);
    const std::int64_t before = prepares(*db);
    {
        MysqlStatement st = db->prepare("SELECT seq FROM seq_1_to_5");
        st.execute({}, true);
        while (st.fetch()) {
        }
    }
    {
        MysqlStatement st = db->prepare("SELECT seq FROM seq_1_to_5");
        st.execute({}, true);
        while (st.fetch()) {
        }
    }
    EXPECT_EQ(prepares(*db) - before, 2) << "a streamed statement went back to the cache";

    // Prepares fine, fails when run: "Subquery returns more than 1 row".
    const std::string failing = "SELECT (SELECT seq FROM seq_1_to_3) + ?";
    for (int i = 0; i < 2; ++i)
        EXPECT_THROW(
            {
                MysqlStatement st = db->prepare(failing);
                st.execute({1});
            },
            MysqlError);
    EXPECT_EQ(prepares(*db) - before, 4) << "a statement that failed went back to the cache";
    EXPECT_EQ(plusOne(*db, 1), 2) << "the connection is fine after the failures";
}

TEST_F(StatementCacheTest, TheOldestIsClosedWhenFull)
{
    auto db = cachedConnection(2);
    const std::int64_t before = prepares(*db);
    for (const char* sql : {"SELECT 1 + ?", "SELECT 2 + ?", "SELECT 3 + ?", "SELECT 3 + ?", "SELECT 1 + ?"}) {
        MysqlStatement st = db->prepare(sql);
        st.execute({0});
        EXPECT_TRUE(st.fetch());
    }
    // 1, 2, 3 prepared; 3 reused; 1 was evicted by 3 and is prepared again.
    EXPECT_EQ(prepares(*db) - before, 4);
}

} // namespace
} // namespace verpmail
