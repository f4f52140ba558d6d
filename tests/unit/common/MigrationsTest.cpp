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

TEST(Migrations, DelimiterLinesLetAStoredProgramHoldSemicolons)
{
    const struct
    {
        const char* name;
        const char* sql;
        std::vector<std::string> want;
    } cases[] = {
        {"procedure between statements",
         "DROP PROCEDURE IF EXISTS p;\n"
         "DELIMITER //\n"
         "CREATE PROCEDURE p()\nBEGIN\n  -- inside\n  SELECT 1;\n  SELECT 2;\nEND //\n"
         "delimiter ;\n"
         "SELECT 3;\n",
         {"DROP PROCEDURE IF EXISTS p\n", "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND \n", "SELECT 3\n"}},
        {"terminator of two characters with trailing blanks", "DELIMITER $$\nSELECT 1; SELECT 2$$  \nDELIMITER ;\n",
         {"SELECT 1; SELECT 2\n"}},
        {"a word that only starts like the directive is SQL", "DELIMITERS;\n", {"DELIMITERS\n"}},
        {"the directive inside a statement is SQL", "SELECT\nDELIMITER //\n;\n", {"SELECT\nDELIMITER //\n\n"}},
    };
    for (const auto& c : cases)
        EXPECT_EQ(splitSqlStatements(c.sql), c.want) << c.name;
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
