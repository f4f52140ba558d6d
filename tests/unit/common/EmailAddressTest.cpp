#include "verpmail/mail/EmailAddress.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

TEST(EmailAddress, ParsesAndLowerCasesTheDomainOnly)
{
    const auto a = EmailAddress::parse("  <First.Last@Example.ORG> ");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->str(), "First.Last@example.org");
    EXPECT_EQ(a->localPart(), "First.Last");
    EXPECT_EQ(a->domain(), "example.org");
    EXPECT_EQ(a->normalized(), "first.last@example.org");
}

TEST(EmailAddress, RejectsImplausibleAddresses)
{
    const std::string rows[] = {
        "", "plain", "@example.org", "user@", "user@localhost", "user@exa mple.org", "us er@example.org",
        "\"quoted\"@example.org", "a..b@example.org", ".a@example.org", "a.@example.org", "user@example..org",
        "user@-", std::string(65, 'a') + "@example.org", "a@" + std::string(260, 'b') + ".org",
        "us\x01r@example.org", "us\xC3\xA9r@example.org", "user@exam_ple.org",
    };
    for (const std::string& row : rows) {
        SCOPED_TRACE(row);
        EXPECT_FALSE(EmailAddress::parse(row).has_value());
    }
}

TEST(EmailAddress, AcceptsTheSpecialsListsMeet)
{
    for (const char* row : {"a+tag@example.org", "a=b@example.org", "o'brien@example.ie", "x_y-z@sub.example.co.uk"}) {
        SCOPED_TRACE(row);
        EXPECT_TRUE(EmailAddress::parse(row).has_value());
    }
}

} // namespace
} // namespace verpmail
