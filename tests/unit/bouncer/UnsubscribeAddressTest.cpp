// UnsubscribeAddress: which envelope recipients are the List-Unsubscribe mailto
// address, as a table.
#include "UnsubscribeAddress.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail {
namespace {

using Kind = UnsubscribeAddress::Kind;

const std::string kDomain = "bounces.example.org";
// A token as UnsubscribeTokens::make writes it (UnsubscribeTokenTest.cpp).
const std::string kToken = "4711-xvnx32u26if4dg652w2b3463ys";

struct Row
{
    std::string recipient;
    Kind kind;
};

TEST(UnsubscribeAddress, ReadsTheLocalPartTheTokenAndTheDomain)
{
    const Row rows[] = {
        {"unsubscribe+" + kToken + "@bounces.example.org", Kind::Token},
        {"<unsubscribe+" + kToken + "@bounces.example.org>", Kind::Token},
        // Local part and domain in any case; the token's base32 too (parse folds it).
        {"UnSubscribe+4711-XVNX32U26IF4DG652W2B3463YS@Bounces.EXAMPLE.org", Kind::Token},
        {"unsubscribe+1-aaaaaaaaaaaaaaaaaaaaaaaaaa@bounces.example.org", Kind::Token},
        // Ours, but no token after the '+'.
        {"unsubscribe+@bounces.example.org", Kind::Malformed},
        {"unsubscribe+4711@bounces.example.org", Kind::Malformed},
        {"unsubscribe+4711-@bounces.example.org", Kind::Malformed},
        {"unsubscribe+0711-xvnx32u26if4dg652w2b3463ys@bounces.example.org", Kind::Malformed},  // leading zero
        {"unsubscribe+4711-xvnx32u26if4dg652w2b3463y@bounces.example.org", Kind::Malformed},   // 25 characters
        {"unsubscribe+4711-xvnx32u26if4dg652w2b3463ysa@bounces.example.org", Kind::Malformed}, // 27
        {"unsubscribe+4711-xvnx32u26if4dg652w2b3463y1@bounces.example.org", Kind::Malformed},  // '1' is not base32
        {"unsubscribe+" + kToken + "+x@bounces.example.org", Kind::Malformed},
        {"unsubscribe+x+" + kToken + "@bounces.example.org", Kind::Malformed},
        {"unsubscribe+123456789012345678901-xvnx32u26if4dg652w2b3463ys@bounces.example.org", Kind::Malformed},
        {"unsubscribe+" + std::string(5000, '7') + "@bounces.example.org", Kind::Malformed},
        // Not the unsubscribe address at all.
        {"unsubscribe@bounces.example.org", Kind::None},
        {"unsubscribers+" + kToken + "@bounces.example.org", Kind::None},
        {"unsubscrib+" + kToken + "@bounces.example.org", Kind::None},
        {"xunsubscribe+" + kToken + "@bounces.example.org", Kind::None},
        {"unsubscribe-" + kToken + "@bounces.example.org", Kind::None},
        {"unsubscribe+" + kToken + "@example.org", Kind::None},
        {"unsubscribe+" + kToken + "@sub.bounces.example.org", Kind::None},
        {"unsubscribe+" + kToken + "@bounces.example.org.evil", Kind::None},
        {"unsubscribe+" + kToken, Kind::None},
        {"sentto-abcdefghijklmnopqrstuvwxyz@bounces.example.org", Kind::None},
        {"", Kind::None},
        {"<>", Kind::None},
        {"@", Kind::None},
    };
    for (const Row& row : rows) {
        const UnsubscribeAddress address = readUnsubscribeAddress("unsubscribe", kDomain, row.recipient);
        EXPECT_EQ(address.kind, row.kind) << row.recipient;
        EXPECT_EQ(address.token.empty(), row.kind != Kind::Token) << row.recipient;
    }
}

TEST(UnsubscribeAddress, TheTokenIsHandedOnAsWritten)
{
    EXPECT_EQ(readUnsubscribeAddress("unsubscribe", kDomain, "unsubscribe+" + kToken + "@bounces.example.org").token,
              kToken);
    EXPECT_EQ(readUnsubscribeAddress("unsubscribe", kDomain, "<UNSUBSCRIBE+4711-XVNX32U26IF4DG652W2B3463YS@bounces.example.org>")
                  .token,
              "4711-XVNX32U26IF4DG652W2B3463YS");
}

TEST(UnsubscribeAddress, OffWhenTheLocalPartIsEmpty)
{
    for (const std::string& recipient : {"unsubscribe+" + kToken + "@bounces.example.org",
                                         std::string("unsubscribe+garbage@bounces.example.org"),
                                         "+" + kToken + "@bounces.example.org"})
        EXPECT_EQ(readUnsubscribeAddress("", kDomain, recipient).kind, Kind::None) << recipient;
}

TEST(UnsubscribeAddress, TheLocalPartIsTheSettings)
{
    EXPECT_EQ(readUnsubscribeAddress("optout", kDomain, "OptOut+" + kToken + "@bounces.example.org").kind, Kind::Token);
    EXPECT_EQ(readUnsubscribeAddress("optout", kDomain, "unsubscribe+" + kToken + "@bounces.example.org").kind,
              Kind::None);
    EXPECT_EQ(readUnsubscribeAddress("list.leave", kDomain, "list.leave+" + kToken + "@bounces.example.org").kind,
              Kind::Token);
}

} // namespace
} // namespace verpmail
