#include "verpmail/db/Migrations.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

TEST(Migrations, SplitsStatementsAndDropsComments)
{
    const auto got = splitSqlStatements("-- a comment; with a semicolon\n"
                                        "CREATE TABLE a (\n  x INT -- trailing\n);\n"
                                        "\n"
                                        "INSERT INTO a VALUES (1);\n");
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], "CREATE TABLE a (\n  x INT -- trailing\n)\n");
    EXPECT_EQ(got[1], "INSERT INTO a VALUES (1)\n");
}

TEST(Migrations, EmbeddedMigrationsAreNumberedInOrder)
{
    const auto& all = embeddedMigrations();
    ASSERT_FALSE(all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].version, static_cast<int>(i + 1)) << all[i].name;
        EXPECT_FALSE(splitSqlStatements(all[i].sql).empty()) << all[i].name;
    }
}

} // namespace
} // namespace verpmail
