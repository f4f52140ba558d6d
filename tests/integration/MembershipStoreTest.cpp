// MembershipStore against a real MariaDB: a genuine token finds its membership and no
// other; an opt-out ends exactly that membership, once, with one audit row; a member
// out for a bounce (policy) is turned into an opt-out; a complaint stays a complaint.
#include "DatabaseFixture.h"

#include "verpmail/mail/UnsubscribeToken.h"
#include "verpmail/store/MembershipStore.h"

namespace verpmail {
namespace {

class MembershipStoreTest : public DatabaseFixture
{
protected:
    void SetUp() override
    {
        DatabaseFixture::SetUp();
        _email = address("opt");
        for (const char* name : {"a", "b"}) {
            MysqlStatement create = db().prepare(
                "INSERT INTO lists (name, from_address, created_at) VALUES (?, 'list@example.test', UTC_TIMESTAMP())");
            create.execute({std::string(name) + "-" + tag()});
            _lists.push_back(create.insertId());
            MysqlStatement add = db().prepare("INSERT INTO members (list_id, email, added_at) VALUES (?, ?, UTC_TIMESTAMP())");
            add.execute({static_cast<std::int64_t>(_lists.back()), _email});
            _members.push_back(add.insertId());
        }
    }

    std::string state(std::size_t list)
    {
        MysqlStatement st = db().prepare(
            "SELECT CONCAT(active, ':', COALESCE(inactive_reason, '-')) FROM members WHERE id = ?");
        st.execute({static_cast<std::int64_t>(_members[list])});
        return st.fetch() ? st.text(0) : "none";
    }

    std::int64_t audits()
    {
        MysqlStatement st = db().prepare("SELECT COUNT(*) FROM admin_audit WHERE action = 'unsubscribe' AND target = ?");
        st.execute({_email});
        st.fetch();
        return st.integer(0);
    }

    const UnsubscribeTokens _tokens{std::string(32, 'u')};
    std::string _email;
    std::vector<std::uint64_t> _lists, _members;
};

TEST_F(MembershipStoreTest, MembersAreNumbered)
{
    ASSERT_EQ(_members.size(), 2u);
    EXPECT_GT(_members[0], 0u);
    EXPECT_NE(_members[0], _members[1]);
}

TEST_F(MembershipStoreTest, AGenuineTokenFindsItsMembershipAndNoOther)
{
    MembershipStore store(db());
    const std::string token = _tokens.make(_members[0], _lists[0], _email);
    const auto found = store.byToken(_tokens, token);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, _members[0]);
    EXPECT_EQ(found->listId, _lists[0]);
    EXPECT_EQ(found->email, _email);
    EXPECT_EQ(found->listName, "a-" + tag());
    EXPECT_TRUE(found->active);

    // The other list's membership of the same address, with this list's mac: no.
    const std::string mac = token.substr(token.find('-') + 1);
    EXPECT_FALSE(store.byToken(_tokens, std::to_string(_members[1]) + "-" + mac));
    // Made with another key, or for another address: no.
    EXPECT_FALSE(store.byToken(UnsubscribeTokens(std::string(32, 'x')), token));
    EXPECT_FALSE(store.byToken(_tokens, _tokens.make(_members[0], _lists[0], "other@example.test")));
    EXPECT_FALSE(store.byToken(_tokens, "junk"));
    EXPECT_FALSE(store.byToken(_tokens, "18446744073709551615-" + mac));
}

TEST_F(MembershipStoreTest, AnOptOutEndsThatMembershipOnceAndIsAudited)
{
    MembershipStore store(db());
    EXPECT_EQ(store.unsubscribe(_members[0], "web 192.0.2.7", "one-click"), OptOut::Unsubscribed);
    EXPECT_EQ(state(0), "0:unsubscribed");
    EXPECT_EQ(state(1), "1:-");
    EXPECT_EQ(audits(), 1);
    MysqlStatement row = db().prepare("SELECT actor, detail FROM admin_audit WHERE action = 'unsubscribe' AND target = ?");
    row.execute({_email});
    ASSERT_TRUE(row.fetch());
    EXPECT_EQ(row.text(0), "web 192.0.2.7");
    EXPECT_EQ(row.text(1), "list=a-" + tag() + " was=1 via=one-click");

    EXPECT_EQ(store.unsubscribe(_members[0], "web 192.0.2.7", "one-click"), OptOut::AlreadyOut);
    EXPECT_EQ(audits(), 1);
    EXPECT_EQ(store.unsubscribe(999999999999, "web", "one-click"), OptOut::NoSuchMembership);
}

TEST_F(MembershipStoreTest, APolicySuppressionBecomesAnOptOutAComplaintStays)
{
    db().execute("UPDATE members SET active = 0, inactive_reason = 'policy' WHERE id = " + std::to_string(_members[0]));
    db().execute("UPDATE members SET active = 0, inactive_reason = 'complaint' WHERE id = " + std::to_string(_members[1]));
    MembershipStore store(db());
    EXPECT_EQ(store.unsubscribe(_members[0], "mail", "mailto"), OptOut::Unsubscribed);
    EXPECT_EQ(state(0), "0:unsubscribed");
    EXPECT_EQ(store.unsubscribe(_members[1], "mail", "mailto"), OptOut::AlreadyOut);
    EXPECT_EQ(state(1), "0:complaint");
    EXPECT_EQ(audits(), 1);
}

} // namespace
} // namespace verpmail
