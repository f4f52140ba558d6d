#include "BoundedInput.h"

#include <gtest/gtest.h>

#include <sstream>

namespace verpmail {
namespace {

TEST(BoundedInput, KeepsTheFirstBytesAndCountsTheRest)
{
    std::istringstream in(std::string(200000, 'x'));
    const BoundedRead r = readBounded(in, 1000);
    EXPECT_EQ(r.data.size(), 1000u);
    EXPECT_EQ(r.totalBytes, 200000u);
}

TEST(BoundedInput, EmptyInput)
{
    std::istringstream in("");
    const BoundedRead r = readBounded(in, 1000);
    EXPECT_TRUE(r.data.empty());
    EXPECT_EQ(r.totalBytes, 0u);
}

} // namespace
} // namespace verpmail
