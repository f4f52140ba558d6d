#include "MemberFile.h"

#include <gtest/gtest.h>

#include <sstream>

namespace verpmail {
namespace {

TEST(MemberFile, ReadsAddressesNamesCommentsAndDuplicates)
{
    std::istringstream in("# members\r\n"
                          "Ann@Example.org,Ann Smith\r\n"
                          "\n"
                          "bob@example.org\n"
                          "ann@example.org,Again\n"
                          "carl@example.org, \"Carl, Jr\"\n");
    const MemberFileResult r = readMemberFile(in);
    ASSERT_TRUE(r.errors.empty());
    ASSERT_EQ(r.members.size(), 3u);
    EXPECT_EQ(r.members[0].email, "ann@example.org");
    EXPECT_EQ(r.members[0].name, "Ann Smith");
    EXPECT_EQ(r.members[1].email, "bob@example.org");
    EXPECT_EQ(r.members[1].name, "");
    EXPECT_EQ(r.members[2].name, "Carl, Jr");
    EXPECT_EQ(r.duplicates, 1u);
}

TEST(MemberFile, ReportsInvalidLinesWithNumbers)
{
    std::istringstream in("good@example.org\nnot-an-address\n\x1b[2J@x\n");
    const MemberFileResult r = readMemberFile(in);
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0], "line 2: not a valid address: \"not-an-address\"");
    EXPECT_EQ(r.errors[1].rfind("line 3: not a valid address: \"?[2J@x\"", 0), 0u) << r.errors[1];
    EXPECT_EQ(r.members.size(), 1u);
}

} // namespace
} // namespace verpmail
