// ApiTokenStore's pure parts: roles, names and the token's shape, as tables.
#include "verpmail/store/ApiTokenStore.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

TEST(ApiToken, RolesAreOrdered)
{
    const struct
    {
        ApiRole role, needed;
        bool allowed;
    } rows[] = {
        {ApiRole::Viewer, ApiRole::Viewer, true},    {ApiRole::Viewer, ApiRole::Operator, false},
        {ApiRole::Viewer, ApiRole::Admin, false},    {ApiRole::Operator, ApiRole::Viewer, true},
        {ApiRole::Operator, ApiRole::Operator, true}, {ApiRole::Operator, ApiRole::Admin, false},
        {ApiRole::Admin, ApiRole::Viewer, true},     {ApiRole::Admin, ApiRole::Operator, true},
        {ApiRole::Admin, ApiRole::Admin, true},
    };
    for (const auto& row : rows)
        EXPECT_EQ(apiRoleAllows(row.role, row.needed), row.allowed)
            << apiRoleName(row.role) << " for " << apiRoleName(row.needed);
}

TEST(ApiToken, RoleNamesRoundTripAndNothingElseParses)
{
    for (ApiRole r : {ApiRole::Viewer, ApiRole::Operator, ApiRole::Admin})
        EXPECT_EQ(parseApiRole(apiRoleName(r)), r);
    for (const char* bad : {"", "Viewer", "ADMIN", "root", "admin ", "operators"})
        EXPECT_FALSE(parseApiRole(bad)) << bad;
}

TEST(ApiToken, Names)
{
    for (const std::string& good : {std::string("a"), std::string("ops-dashboard"), std::string("CI_2026.12"),
                                    std::string(64, 'x')})
        EXPECT_TRUE(validApiTokenName(good)) << good;
    for (const std::string& bad : {std::string(), std::string(65, 'x'), std::string("-lead"), std::string(".x"),
                                   std::string("a b"), std::string("a/b"), std::string("é"), std::string("a\nb")})
        EXPECT_FALSE(validApiTokenName(bad)) << bad;
}

TEST(ApiToken, Shape)
{
    const std::string body(32, 'a');
    EXPECT_TRUE(apiTokenShape("vm_" + body));
    EXPECT_TRUE(apiTokenShape("vm_abcdefghijklmnopqrstuvwxyz234567"));
    for (const std::string& bad : {std::string(), "vm_" + body.substr(1), "vm_" + body + "a", "VM_" + body,
                                   "xx_" + body, "vm_" + body.substr(1) + "A", "vm_" + body.substr(1) + "1",
                                   "vm_" + body.substr(1) + "="})
        EXPECT_FALSE(apiTokenShape(bad)) << bad;
}

} // namespace
} // namespace verpmail
