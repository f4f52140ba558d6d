// The members table as the seeds' queries read it, against a real MariaDB:
// bounce_status turns 'soft' only at the soft rule's threshold and 'hard' on a hard
// bounce; a suppression for a hard bounce or a complaint sets active = 0 with the
// reason 'policy' (the complaint's own list: 'complaint'); verpmail-admin reset (and
// ignore on) restores exactly those, never an opt-out.
#include "DatabaseFixture.h"

#include "AddressCommands.h"

#include "verpmail/store/PolicyStore.h"
#include "verpmail/store/ReturnRecorder.h"

#include <sstream>

namespace verpmail {
namespace {

class MemberSemanticsTest : public DatabaseFixture
{
protected:
    void SetUp() override
    {
        DatabaseFixture::SetUp();
        _email = address("seed");
        for (const char* name : {"a", "b", "c"}) {
            const std::string list = std::string(name) + "-" + tag();
            MysqlStatement create = db().prepare(
                "INSERT INTO lists (name, from_address, created_at) VALUES (?, 'list@example.test', UTC_TIMESTAMP())");
            create.execute({list});
            _lists.push_back(static_cast<unsigned>(create.insertId()));
            MysqlStatement add = db().prepare("INSERT INTO members (list_id, email, added_at) VALUES (?, ?, UTC_TIMESTAMP())");
            add.execute({_lists.back(), _email});
        }
        // List c: the member unsubscribed (as verpmail-admin unsubscribe records it).
        db().execute("UPDATE members SET active = 0, inactive_reason = 'unsubscribed' WHERE list_id = " +
                     std::to_string(_lists[2]));
        MysqlStatement campaign = db().prepare("INSERT INTO campaigns (id, list_id, started_at) VALUES (?, ?, UTC_TIMESTAMP())");
        campaign.execute({"seed-" + tag(), _lists[0]});
    }

    void record(BounceClass cls, const std::string& reason)
    {
        ReturnEntry e;
        e.email = _email;
        e.encodedFrom = "sentto-s" + tag();
        e.envelopeRecipient = e.encodedFrom + "@bounces.test";
        e.kind = cls == BounceClass::Complaint ? ReturnKind::Complaint : ReturnKind::Bounce;
        e.result.bounceClass = cls;
        e.result.reason = reason;
        e.campaign = "seed-" + tag();  // names list a: only its membership counts the bounce
        e.rawMessage = "return " + std::to_string(++_returns) + " " + reason;
        e.dedupKey = ReturnRecorder::dedupKey(e.rawMessage, e.envelopeRecipient, 0);
        ASSERT_EQ(ReturnRecorder(db(), _policy).record(e).outcome, RecordOutcome::Recorded);
    }

    /// What the sender does at its next run: evaluate, and record a change.
    PolicyDecision send()
    {
        PolicyStore store(db());
        const std::string now = utcNow();
        const PolicySubject subject = store.load({_email}, _policy, now).at(_email);
        const PolicyDecision decision = evaluate(_policy, subject.state, subject.facts, now);
        if (decision.changed)
            store.record(_email, decision, "test", _lists[0]);
        return decision;
    }

    /// "active reason bounce_status" of the membership in list i.
    std::string membership(std::size_t i)
    {
        return queryText("SELECT CONCAT_WS(' ', active, COALESCE(inactive_reason, '-'), bounce_status) FROM members"
                         " WHERE list_id = ? AND email = ?", {_lists.at(i), _email});
    }

    PolicySettings _policy;
    std::string _email;
    std::vector<unsigned> _lists;
    int _returns = 0;
};

TEST_F(MemberSemanticsTest, BounceStatusTurnsSoftOnlyAtTheSoftRulesThreshold)
{
    record(BounceClass::Soft, "mailboxfull");
    EXPECT_EQ(membership(0), "1 - clean");  // the first soft bounce says nothing yet
    record(BounceClass::Soft, "mailboxfull");
    EXPECT_EQ(membership(0), "1 - clean");
    record(BounceClass::Soft, "expired");
    EXPECT_EQ(membership(0), "1 - soft");  // policy.soft.threshold = 3 within 30 days
    EXPECT_EQ(membership(1), "1 - clean");  // the return named list a's campaign
    EXPECT_EQ(queryInt("SELECT bounce_count FROM members WHERE list_id = ? AND email = ?", {_lists[0], _email}), 3);
    // The quarantine the same rule makes takes no one off a list.
    EXPECT_EQ(send().state, PolicyState::Quarantined);
    EXPECT_EQ(membership(0), "1 - soft");
    record(BounceClass::Hard, "userunknown");
    EXPECT_EQ(membership(0), "1 - hard");
    record(BounceClass::Soft, "mailboxfull");
    EXPECT_EQ(membership(0), "1 - hard");  // never back from hard to soft
}

TEST_F(MemberSemanticsTest, TheConfiguredSoftThresholdDecides)
{
    _policy.rules[1].threshold = 2;
    record(BounceClass::Soft, "mailboxfull");
    EXPECT_EQ(membership(0), "1 - clean");
    record(BounceClass::Soft, "mailboxfull");
    EXPECT_EQ(membership(0), "1 - soft");
}

TEST_F(MemberSemanticsTest, AHardBounceSuppressionDeactivatesResetRestoresOnlyThat)
{
    record(BounceClass::Hard, "userunknown");
    EXPECT_EQ(membership(0), "1 - hard");  // recorded; the policy decides at the next send
    const PolicyDecision d = send();
    EXPECT_EQ(d.reason, "hard-bounce");
    EXPECT_EQ(membership(0), "0 policy hard");
    EXPECT_EQ(membership(1), "0 policy clean");
    EXPECT_EQ(membership(2), "0 unsubscribed clean");  // already out, for its own reason

    std::ostringstream out;
    EXPECT_EQ(resetAddress(db(), _email, out), ExitStatus::Ok);
    EXPECT_NE(out.str().find("reactivated=2"), std::string::npos) << out.str();
    EXPECT_EQ(membership(0), "1 - clean");
    EXPECT_EQ(membership(1), "1 - clean");
    EXPECT_EQ(membership(2), "0 unsubscribed clean");  // a reset never resubscribes
    EXPECT_EQ(send().verdict, Verdict::Send);
}

TEST_F(MemberSemanticsTest, AComplaintLeavesItsListTheOthersComeBackOnReset)
{
    record(BounceClass::Complaint, "feedback");
    EXPECT_EQ(send().action, "unsubscribe");
    EXPECT_EQ(membership(0), "0 complaint clean");  // the member asked to stop: resubscribe only
    EXPECT_EQ(membership(1), "0 policy clean");
    std::ostringstream out;
    resetAddress(db(), _email, out);
    EXPECT_EQ(membership(0), "0 complaint clean");
    EXPECT_EQ(membership(1), "1 - clean");
    EXPECT_EQ(membership(2), "0 unsubscribed clean");
}

TEST_F(MemberSemanticsTest, IgnoreBouncesGivesBackWhatThePolicyTook)
{
    record(BounceClass::Hard, "userunknown");
    send();
    EXPECT_EQ(membership(1), "0 policy clean");
    std::ostringstream out;
    EXPECT_EQ(ignoreAddress(db(), _email, true, out), ExitStatus::Ok);
    EXPECT_NE(out.str().find("reactivated=2"), std::string::npos) << out.str();
    EXPECT_EQ(membership(0), "1 - hard");
    EXPECT_EQ(membership(1), "1 - clean");
    EXPECT_EQ(membership(2), "0 unsubscribed clean");
    // The sender's next decision releases the address and leaves them active.
    const PolicyDecision d = send();
    EXPECT_EQ(d.action, "release");
    EXPECT_EQ(membership(1), "1 - clean");
}

} // namespace
} // namespace verpmail
