// KeyRotationTest: a rotated VERP key keeps attributing late returns (sql/007). The
// sender keeps an address's token under the previous key when it writes the new one;
// the bouncer's lookup finds the address by either until the kept token's time is up.
#include "CampaignQueue.h"
#include "DatabaseFixture.h"

#include "verpmail/policy/Policy.h"
#include "verpmail/store/PolicyStore.h"
#include "verpmail/store/TrackerStore.h"

namespace verpmail {
namespace {

class KeyRotationTest : public DatabaseFixture
{
protected:
    void prepare(const std::string& email, const std::string& token, const std::string& previous, unsigned days = 30)
    {
        Settlement s;
        s.email = email;
        s.encodedFrom = token;
        s.previousEncodedFrom = previous;
        CampaignQueue("rotation-" + tag(), "test", SendSettings{}).prepareTracker(db(), {s}, days);
    }
    std::optional<std::string> lookup(const std::string& token) { return TrackerStore(db()).emailForEncodedFrom(token); }
    std::string token(const std::string& name) const { return "sentto-" + name + tag(); }
};

TEST_F(KeyRotationTest, TheOldTokenCountsForTheConfiguredDays)
{
    const std::string member = address("rotated");
    prepare(member, token("old"), "");
    ASSERT_EQ(lookup(token("old")), member);
    // The key is rotated: the new token is written, the old one (the previous key's) kept.
    prepare(member, token("new"), token("old"));
    EXPECT_EQ(lookup(token("new")), member);
    EXPECT_EQ(lookup(token("old")), member);
    EXPECT_EQ(queryInt("SELECT PreviousEncodedUntil > UTC_TIMESTAMP() + INTERVAL 29 DAY FROM EmailAddressTracker"
                       " WHERE EmailAddress = ?", {member}), 1);
    // Mailing again under the new key changes nothing; once the days are over the old
    // token no longer counts.
    prepare(member, token("new"), token("old"));
    EXPECT_EQ(lookup(token("old")), member);
    db().prepare("UPDATE EmailAddressTracker SET PreviousEncodedUntil = UTC_TIMESTAMP() - INTERVAL 1 SECOND"
                 " WHERE EmailAddress = ?").execute({member});
    EXPECT_EQ(lookup(token("old")), std::nullopt);
    EXPECT_EQ(lookup(token("new")), member);
}

TEST_F(KeyRotationTest, ARowThatHoldsTheTokenAlreadyIsNotWrittenAgain)
{
    // The sender reads each member's tracker row before mailing (PolicyStore::load)
    // and writes it only when the token differs: a list mailed again costs no write.
    const std::string member = address("again");
    prepare(member, token("same"), "");
    const PolicySubject subject = PolicyStore(db()).load({member}, PolicySettings{}, utcNow()).at(member);
    EXPECT_TRUE(subject.tracked);
    EXPECT_EQ(subject.encodedFrom, token("same"));

    Settlement current;
    current.email = member;
    current.encodedFrom = token("unwritten");
    current.trackerCurrent = true;
    CampaignQueue("rotation-" + tag(), "test", SendSettings{}).prepareTracker(db(), {current}, 30);
    EXPECT_EQ(lookup(token("same")), member) << "a row marked current is left as it is";
    EXPECT_EQ(lookup(token("unwritten")), std::nullopt);
}

TEST_F(KeyRotationTest, OnlyThePreviousKeysTokenIsKept)
{
    // The stored token is not the previous key's (a key older still, or no previous
    // key configured): it is replaced, not kept.
    const std::string member = address("unrelated");
    prepare(member, token("older"), "");
    prepare(member, token("new2"), token("other"));
    EXPECT_EQ(lookup(token("older")), std::nullopt);
    const std::string plain = address("plain");
    prepare(plain, token("p1"), "");
    prepare(plain, token("p2"), "");
    EXPECT_EQ(lookup(token("p1")), std::nullopt);
    EXPECT_EQ(lookup(token("p2")), plain);
}

} // namespace
} // namespace verpmail
