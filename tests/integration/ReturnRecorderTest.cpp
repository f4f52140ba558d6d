// ReturnRecorder against a real MariaDB: counters, rotation, idempotence, classes.
#include "DatabaseFixture.h"

#include "verpmail/db/MysqlError.h"
#include "verpmail/store/ReturnRecorder.h"
#include "verpmail/store/PolicyStore.h"
#include "verpmail/store/TrackerStore.h"

namespace verpmail {
namespace {

class ReturnRecorderTest : public DatabaseFixture
{
protected:
    ReturnEntry entry(const std::string& email, BounceClass cls, const std::string& raw)
    {
        ReturnEntry e;
        e.email = email;
        e.encodedFrom = "sentto-" + std::to_string(std::hash<std::string>{}(email) % 1000000000) + "x";
        e.envelopeRecipient = e.encodedFrom + "@bounces.test";
        e.kind = cls == BounceClass::Complaint ? ReturnKind::Complaint
                 : cls == BounceClass::AutoReply ? ReturnKind::AutoReply
                                                 : ReturnKind::Bounce;
        e.result.bounceClass = cls;
        e.result.status = cls == BounceClass::Hard ? "5.1.1" : "5.2.2";
        e.result.reason = cls == BounceClass::Hard ? "userunknown" : "mailboxfull";
        e.result.diagnostic = "smtp; 550 caf\xC3\xA9 \xFF invalid utf-8 is cleaned";
        e.rawMessage = raw;
        e.dedupKey = ReturnRecorder::dedupKey(raw, e.envelopeRecipient, 0);
        return e;
    }

    std::int64_t tracker(const char* column, const std::string& email)
    {
        return queryInt(std::string("SELECT ") + column + " FROM EmailAddressTracker WHERE EmailAddress = ?", {email});
    }
};

TEST_F(ReturnRecorderTest, HardBounceUpdatesTrackerAndLog)
{
    const std::string email = address("hard");
    ReturnRecorder recorder(db());
    EXPECT_EQ(recorder.record(entry(email, BounceClass::Hard, "raw hard " + email)), RecordOutcome::Recorded);
    EXPECT_EQ(tracker("BounceCount", email), 1);
    EXPECT_EQ(tracker("HardBounceCount", email), 1);
    EXPECT_EQ(tracker("SoftBounceCount", email), 0);
    EXPECT_EQ(tracker("FirstBounce IS NOT NULL AND LastBounce IS NOT NULL AND LastBounce2 IS NULL", email), 1);
    EXPECT_EQ(queryText("SELECT CONCAT(bounce_type, ' ', status_code, ' ', bounce_reason) FROM bounce_logs WHERE email = ?",
                        {email}),
              "hard 5.1.1 userunknown");
    EXPECT_EQ(queryText("SELECT diagnostic FROM bounce_logs WHERE email = ?", {email}),
              "smtp; 550 caf\xC3\xA9 \xEF\xBF\xBD invalid utf-8 is cleaned");  // U+FFFD for the 0xFF
}

TEST_F(ReturnRecorderTest, SameReturnTwiceCountsOnce)
{
    const std::string email = address("twice");
    ReturnRecorder recorder(db());
    const ReturnEntry e = entry(email, BounceClass::Soft, "identical bytes " + email);
    EXPECT_EQ(recorder.record(e), RecordOutcome::Recorded);
    EXPECT_EQ(recorder.record(e), RecordOutcome::Duplicate);
    EXPECT_EQ(tracker("BounceCount", email), 1);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bounce_logs WHERE email = ?", {email}), 1);
}

TEST_F(ReturnRecorderTest, UpdatesTheRowTheSenderWroteOncePerReturn)
{
    const std::string email = address("existing");
    MysqlStatement sent = db().prepare("INSERT INTO EmailAddressTracker (EmailAddress, EncodedFROM, MsgCount) VALUES (?, ?, 3)");
    // EncodedFROM is unique: one of this run's own, so that the test can run again.
    const std::string encoded = "sentto-written-by-the-sender-" + tag();
    sent.execute({email, encoded});
    ReturnRecorder recorder(db());
    ASSERT_EQ(recorder.record(entry(email, BounceClass::Hard, "hard " + email)), RecordOutcome::Recorded);
    ASSERT_EQ(recorder.record(entry(email, BounceClass::Complaint, "arf " + email)), RecordOutcome::Recorded);
    EXPECT_EQ(tracker("BounceCount", email), 1);
    EXPECT_EQ(tracker("HardBounceCount", email), 1);
    EXPECT_EQ(tracker("ComplaintCount", email), 1);
    EXPECT_EQ(tracker("MsgCount", email), 3);
    EXPECT_EQ(queryText("SELECT EncodedFROM FROM EmailAddressTracker WHERE EmailAddress = ?", {email}), encoded);
}

TEST_F(ReturnRecorderTest, RotatesLastBounceThreeDeep)
{
    const std::string email = address("rotate");
    ReturnRecorder recorder(db());
    for (int i = 0; i < 4; ++i)
        ASSERT_EQ(recorder.record(entry(email, BounceClass::Soft, "soft " + std::to_string(i) + email)),
                  RecordOutcome::Recorded);
    EXPECT_EQ(tracker("BounceCount", email), 4);
    EXPECT_EQ(tracker("SoftBounceCount", email), 4);
    EXPECT_EQ(tracker("LastBounce3 IS NOT NULL AND LastBounce3 <= LastBounce2 AND LastBounce2 <= LastBounce", email), 1);

    const auto subjects = PolicyStore(db()).load({email}, PolicySettings{}, utcNow());
    EXPECT_EQ(subjects.at(email).facts.size(), 4u);
}

TEST_F(ReturnRecorderTest, BlocksAndAutoRepliesNeverCountTowardSuppression)
{
    const std::string email = address("block");
    ReturnRecorder recorder(db());
    ASSERT_EQ(recorder.record(entry(email, BounceClass::Block, "block " + email)), RecordOutcome::Recorded);
    ASSERT_EQ(recorder.record(entry(email, BounceClass::AutoReply, "vacation " + email)), RecordOutcome::Recorded);
    EXPECT_EQ(tracker("BlockCount", email), 1);
    EXPECT_EQ(tracker("HardBounceCount + SoftBounceCount + ComplaintCount", email), 0);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bounce_logs WHERE email = ? AND bounce_type = 'autoreply'", {email}), 1);
    const PolicySubject subject = PolicyStore(db()).load({email}, PolicySettings{}, utcNow()).at(email);
    EXPECT_TRUE(subject.facts.empty());
    EXPECT_EQ(evaluate(PolicySettings{}, subject.state, subject.facts, utcNow()).verdict, Verdict::Send);
}

TEST_F(ReturnRecorderTest, UnattributedIsStoredWithoutAnAddress)
{
    ReturnRecorder recorder(db());
    ReturnEntry e;
    e.envelopeRecipient = "sentto-nobody-" + address("u") ;
    e.rawMessage = "garbage " + e.envelopeRecipient;
    e.dedupKey = ReturnRecorder::dedupKey(e.rawMessage, e.envelopeRecipient, 0);
    EXPECT_EQ(recorder.record(e), RecordOutcome::Recorded);
    EXPECT_EQ(queryText("SELECT CONCAT(bounce_type, ':', IFNULL(email, 'NULL'), ':', kind) FROM bounce_logs"
                        " WHERE envelope_recipient = ?",
                        {e.envelopeRecipient}),
              "unattributed:NULL:other");
}

TEST_F(ReturnRecorderTest, HardBounceMarksMembershipHard)
{
    const std::string email = address("member");
    const std::string list = "rr-" + address("l").substr(2, 10);
    MysqlStatement createList = db().prepare("INSERT INTO lists (name, from_address, created_at) VALUES (?, 'l@example.test', UTC_TIMESTAMP())");
    createList.execute({list});
    const auto listId = static_cast<std::int64_t>(createList.insertId());
    MysqlStatement addMember = db().prepare("INSERT INTO members (list_id, email, added_at) VALUES (?, ?, UTC_TIMESTAMP())");
    addMember.execute({listId, email});

    ReturnRecorder recorder(db());
    ASSERT_EQ(recorder.record(entry(email, BounceClass::Soft, "s1" + email)), RecordOutcome::Recorded);
    // One soft bounce is not yet the soft rule (3 within 30 days): still clean.
    EXPECT_EQ(queryText("SELECT CONCAT(bounce_count, bounce_status) FROM members WHERE email = ?", {email}), "1clean");
    ASSERT_EQ(recorder.record(entry(email, BounceClass::Hard, "h1" + email)), RecordOutcome::Recorded);
    EXPECT_EQ(queryText("SELECT CONCAT(bounce_count, bounce_status) FROM members WHERE email = ?", {email}), "2hard");
    ASSERT_EQ(recorder.record(entry(email, BounceClass::Soft, "s2" + email)), RecordOutcome::Recorded);
    EXPECT_EQ(queryText("SELECT bounce_status FROM members WHERE email = ?", {email}), "hard");
}

TEST(MysqlConnectionTest, MissingOptionFileIsAConfigError)
{
    MysqlOptions o;
    o.optionFile = "/nonexistent/my.cnf";
    EXPECT_THROW(MysqlConnection c(o), ConfigError);
}

} // namespace
} // namespace verpmail
