// VerpCodec: hand-written expected strings (tokens computed independently with
// Python's hmac module), error rows included.
#include "verpmail/verp/VerpCodec.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";

VerpCodec tokenCodec()
{
    return VerpCodec({VerpMode::Token, "sentto", "bounces.example.org", kKey, {}, 30});
}

VerpCodec plainCodec()
{
    return VerpCodec({VerpMode::Plain, "sentto", "bounces.example.org", kKey, {}, 30});
}

EmailAddress address(const char* text)
{
    auto a = EmailAddress::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return *a;
}

TEST(VerpCodec, TokenModeMatchesIndependentHmac)
{
    // python3: base32(hmac_sha256(key, "user@example.org")[:17]).lower()[:26], i.e. 130 bits
    EXPECT_EQ(tokenCodec().envelopeSender(address("user@example.org")),
              "sentto-cg2p4qnfw3vnviol32trrie2po@bounces.example.org");
    EXPECT_EQ(tokenCodec().localPart(address("first.last+tag@example.com")), "sentto-obu5ux6wxiilszdctvxmlrqwkq");
}

TEST(VerpCodec, TokenIsCaseInsensitiveInTheAddressAndLowerCase)
{
    // The normalised (lower-case) address is what is hashed, so case variants of
    // one mailbox share a token.
    EXPECT_EQ(tokenCodec().localPart(address("USER@Example.ORG")), "sentto-cg2p4qnfw3vnviol32trrie2po");
}

TEST(VerpCodec, TokenDependsOnTheKey)
{
    VerpCodec other({VerpMode::Token, "sentto", "bounces.example.org", "another key of sixteen+ bytes", {}, 30});
    EXPECT_NE(other.localPart(address("user@example.org")), tokenCodec().localPart(address("user@example.org")));
}

// After a rotation the codec gives, beside the new token, the one the previous key gave.
TEST(VerpCodec, PreviousTokenIsTheOldKeysToken)
{
    const VerpCodec before({VerpMode::Token, "sentto", "bounces.example.org", "another key of sixteen+ bytes", {}, 30});
    const VerpCodec rotated({VerpMode::Token, "sentto", "bounces.example.org", kKey, "another key of sixteen+ bytes", 30});
    const EmailAddress a = address("user@example.org");
    EXPECT_EQ(rotated.previousTokenLocalPart(a), before.localPart(a));
    EXPECT_NE(rotated.localPart(a), before.localPart(a));
    EXPECT_EQ(tokenCodec().previousTokenLocalPart(a), "");
}

TEST(VerpCodec, PlainModeEncodesAtAsEquals)
{
    struct Row
    {
        const char* address;
        const char* want;
    };
    const Row rows[] = {
        {"user@example.org", "sentto-user=example.org@bounces.example.org"},
        {"first.last@example.org", "sentto-first.last=example.org@bounces.example.org"},
        {"a+tag@example.org", "sentto-a+tag=example.org@bounces.example.org"},
        {"a=b@example.org", "sentto-a=b=example.org@bounces.example.org"},
        {"x-y-z@sub.example.org", "sentto-x-y-z=sub.example.org@bounces.example.org"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.address);
        EXPECT_EQ(plainCodec().envelopeSender(address(row.address)), row.want);
    }
}

TEST(VerpCodec, PlainModeFallsBackToTokenWhenTooLong)
{
    const EmailAddress longAddress = address("a-very-long-local-part-for-testing@a-rather-long-domain.example.org");
    EXPECT_FALSE(plainCodec().plainLocalPart(longAddress).has_value());
    EXPECT_EQ(plainCodec().localPart(longAddress), tokenCodec().localPart(longAddress));
    EXPECT_LE(plainCodec().localPart(longAddress).size(), 64u);
}

TEST(VerpCodec, DecodesPlainAddressesSplittingAtTheLastEquals)
{
    struct Row
    {
        const char* recipient;
        const char* wantLocal;
        const char* wantAddress;
    };
    const Row rows[] = {
        {"sentto-user=example.org@bounces.example.org", "sentto-user=example.org", "user@example.org"},
        {"SENTTO-USER=EXAMPLE.ORG@BOUNCES.EXAMPLE.ORG", "sentto-user=example.org", "user@example.org"},
        {"<sentto-a=b=example.org@bounces.example.org>", "sentto-a=b=example.org", "a=b@example.org"},
        {"sentto-a+tag=example.org@bounces.example.org", "sentto-a+tag=example.org", "a+tag@example.org"},
        {"sentto-first.last-x=example.org@b.example.org", "sentto-first.last-x=example.org", "first.last-x@example.org"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.recipient);
        const VerpDecoded got = plainCodec().decode(row.recipient);
        ASSERT_TRUE(got.ok) << got.problem;
        EXPECT_EQ(got.localPart, row.wantLocal);
        ASSERT_TRUE(got.plainAddress.has_value());
        EXPECT_EQ(got.plainAddress->str(), row.wantAddress);
    }
}

TEST(VerpCodec, DecodesTokenLocalPartLowerCased)
{
    const VerpDecoded got = tokenCodec().decode("SentTo-CG2P4QNFW3VNVIOL32TRRIE2PO@bounces.example.org");
    ASSERT_TRUE(got.ok) << got.problem;
    EXPECT_EQ(got.localPart, "sentto-cg2p4qnfw3vnviol32trrie2po");
    EXPECT_EQ(got.domain, "bounces.example.org");
    EXPECT_FALSE(got.plainAddress.has_value());
}

TEST(VerpCodec, RejectsWhatIsNotOurs)
{
    struct Row
    {
        std::string recipient;
        const char* why;
    };
    const Row rows[] = {
        {"", "empty"},
        {"<>", "empty in brackets"},
        {"sentto-user=example.org", "missing @"},
        {"sentto-user=@bounces.example.org", "trailing ="},
        {"list-user=example.org@bounces.example.org", "wrong prefix"},
        {"senttouser=example.org@bounces.example.org", "prefix without hyphen"},
        {"sentto-@bounces.example.org", "nothing after the prefix"},
        {"sentto-" + std::string(60, 'a') + "@bounces.example.org", "local part over 64 octets"},
        {std::string(400, 'a') + "@x.org", "over-long recipient"},
        {"sentto-us\xC3\xA9r=example.org@bounces.example.org", "non-ASCII"},
        {"sentto-user =example.org@bounces.example.org", "blank inside"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.why);
        const VerpDecoded got = plainCodec().decode(row.recipient);
        EXPECT_FALSE(got.ok);
        EXPECT_FALSE(got.problem.empty());
    }
}

TEST(VerpCodec, PlainDecodeOfAnInvalidAddressIsOkButHasNoAddress)
{
    // "sentto-=example.org": an '=' at the start leaves an empty local part.
    const VerpDecoded got = plainCodec().decode("sentto-=example.org@bounces.example.org");
    ASSERT_TRUE(got.ok);
    EXPECT_FALSE(got.plainAddress.has_value());
}

TEST(VerpCodec, RefusesSettingsThatCannotWork)
{
    EXPECT_THROW(VerpCodec({VerpMode::Token, "sentto", "bounces.example.org", "short", {}, 30}), std::invalid_argument);
    EXPECT_THROW(VerpCodec({VerpMode::Token, "", "bounces.example.org", kKey, {}, 30}), std::invalid_argument);
    EXPECT_THROW(VerpCodec({VerpMode::Token, "Sent To", "bounces.example.org", kKey, {}, 30}), std::invalid_argument);
    EXPECT_THROW(VerpCodec({VerpMode::Token, std::string(40, 'p'), "bounces.example.org", kKey, {}, 30}), std::invalid_argument);
    EXPECT_THROW(VerpCodec({VerpMode::Token, "sentto", "not a domain", kKey, {}, 30}), std::invalid_argument);
    EXPECT_NO_THROW(VerpCodec({VerpMode::Plain, "sentto", "bounces.example.org", "", {}, 30}));
}

} // namespace
} // namespace verpmail
