// A return is always recorded: poison text is cleaned, a bad campaign dropped, and
// what the server still refuses is recorded degraded (issue 13). Real MariaDB,
// strict mode.
#include "DatabaseFixture.h"

#include "verpmail/db/MysqlError.h"
#include "verpmail/store/ReturnRecorder.h"
#include "verpmail/util/Utf8mb4.h"

namespace verpmail {
namespace {

class ReturnRecorderPoisonTest : public DatabaseFixture
{
protected:
    void TearDown() override
    {
        if (!_trigger.empty())
            db().execute("DROP TRIGGER IF EXISTS " + _trigger);
    }

    ReturnEntry poison(const std::string& email, const std::string& raw)
    {
        ReturnEntry e;
        e.email = email;
        e.encodedFrom = "sentto-p" + tag();
        e.envelopeRecipient = "sentto-p" + tag() + "\xFF@bounces.test";
        e.kind = ReturnKind::Bounce;
        e.result.bounceClass = BounceClass::Hard;
        e.result.status = std::string(300, '5') + "\xF5";
        e.result.reason = "userunknown\xC1";
        e.result.diagnostic = "smtp; 550 \xC0\x80 \xE0\x80\x80 \xF4\x90\x80\x80 \xF8\x88\x80\x80\x80 \xED\xA0\x80 caf\xC3\xA9 " +
                              std::string(5000, 'x');
        e.campaign = "spring\xE9";  // an 8-bit byte: the ascii column refuses it
        e.rawMessage = raw;
        e.dedupKey = ReturnRecorder::dedupKey(raw, e.envelopeRecipient, 0);
        return e;
    }

    // A trigger that refuses, as a data error, rows whose diagnostic or raw message
    // holds a marker: the server refusing text cleaning cannot foresee.
    void refuseMarkedRows()
    {
        _trigger = "test_refuse_" + tag();
        db().execute("CREATE TRIGGER " + _trigger +
                     " BEFORE INSERT ON bounce_logs FOR EACH ROW BEGIN"
                     " IF NEW.diagnostic LIKE '%refuse-text-" + tag() + "%' THEN"
                     "   SIGNAL SQLSTATE '22007' SET MESSAGE_TEXT = 'test: text refused'; END IF;"
                     " IF NEW.raw_message LIKE '%refuse-raw-" + tag() + "%' THEN"
                     "   SIGNAL SQLSTATE '22001' SET MESSAGE_TEXT = 'test: raw refused'; END IF;"
                     " IF NEW.email LIKE 'never.%" + tag() + "%' THEN"
                     "   SIGNAL SQLSTATE '22001' SET MESSAGE_TEXT = 'test: refused for good'; END IF;"
                     " END");
    }

    std::string _trigger;
};

TEST_F(ReturnRecorderPoisonTest, PoisonReturnIsRecordedOnTheFirstCall)
{
    const std::string email = address("poison");
    const ReturnEntry e = poison(email, "Subject: \xFF\xFE raw 8-bit bytes are kept as they are " + email);
    const RecordResult r = ReturnRecorder(db()).record(e);
    EXPECT_EQ(r.outcome, RecordOutcome::Recorded);
    EXPECT_EQ(r.degradation, Degradation::None);
    EXPECT_EQ(r.refusal, "");
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bounce_logs WHERE email = ? AND campaign IS NULL", {email}), 1);
    const std::string diagnostic = queryText("SELECT diagnostic FROM bounce_logs WHERE email = ?", {email});
    EXPECT_EQ(toUtf8mb4(diagnostic), diagnostic);
    EXPECT_NE(diagnostic.find(std::string(kReplacementCharacter)), std::string::npos) << diagnostic;
    EXPECT_NE(diagnostic.find("caf\xC3\xA9"), std::string::npos) << diagnostic;
    EXPECT_EQ(queryText("SELECT status_code FROM bounce_logs WHERE email = ?", {email}), std::string(16, '5'));
    EXPECT_EQ(queryText("SELECT raw_message FROM bounce_logs WHERE email = ?", {email}), e.rawMessage);
    EXPECT_EQ(queryInt("SELECT HardBounceCount FROM EmailAddressTracker WHERE EmailAddress = ?", {email}), 1);
    EXPECT_EQ(ReturnRecorder(db()).record(e).outcome, RecordOutcome::Duplicate);
}

TEST_F(ReturnRecorderPoisonTest, AnEightBitCampaignAloneWouldHaveFailedTheInsert)
{
    // Shows the test above could fail: the server refuses the raw campaign.
    MysqlStatement insert = db().prepare(
        "INSERT INTO bounce_logs (email, bounce_type, bounced_at, campaign, kind, dedup_key)"
        " VALUES (?, 'hard', UTC_TIMESTAMP(), ?, 'bounce', UNHEX(SHA2(?, 256)))");
    try {
        insert.execute({address("raw"), "spring\xE9", tag() + "raw campaign"});
        FAIL() << "the server took an 8-bit campaign";
    } catch (const MysqlError& e) {
        EXPECT_TRUE(e.isDataError()) << e.what();
        EXPECT_FALSE(e.isTransient());
    }
}

TEST_F(ReturnRecorderPoisonTest, RefusedTextIsEmptiedAndSaidSo)
{
    refuseMarkedRows();
    const std::string email = address("degraded");
    ReturnEntry e = poison(email, "raw of " + email);
    e.campaign = "spring-2026";
    e.result.diagnostic = "550 refuse-text-" + tag();
    const RecordResult r = ReturnRecorder(db()).record(e);
    EXPECT_EQ(r.outcome, RecordOutcome::Recorded);
    EXPECT_EQ(r.degradation, Degradation::TextEmptied);
    EXPECT_NE(r.refusal.find("text refused"), std::string::npos) << r.refusal;
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bounce_logs WHERE email = ? AND diagnostic = '' AND status_code = ''"
                       " AND bounce_reason = '' AND campaign IS NULL AND bounce_type = 'hard' AND kind = 'bounce'"
                       " AND raw_message = ?",
                       {email, e.rawMessage}),
              1);
    // Still counted once, and still idempotent.
    EXPECT_EQ(queryInt("SELECT HardBounceCount FROM EmailAddressTracker WHERE EmailAddress = ?", {email}), 1);
    EXPECT_EQ(ReturnRecorder(db()).record(e).outcome, RecordOutcome::Duplicate);
    EXPECT_EQ(queryInt("SELECT HardBounceCount FROM EmailAddressTracker WHERE EmailAddress = ?", {email}), 1);
}

TEST_F(ReturnRecorderPoisonTest, RefusedRawMessageIsLeftOut)
{
    refuseMarkedRows();
    const std::string email = address("noraw");
    ReturnEntry e = poison(email, "raw refuse-raw-" + tag());
    const RecordResult r = ReturnRecorder(db()).record(e);
    EXPECT_EQ(r.outcome, RecordOutcome::Recorded);
    EXPECT_EQ(r.degradation, Degradation::RawEmptied);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bounce_logs WHERE email = ? AND raw_message IS NULL", {email}), 1);
}

TEST_F(ReturnRecorderPoisonTest, AReturnRefusedInEveryFormIsUnrecordableNotTransient)
{
    refuseMarkedRows();
    const std::string email = "never." + tag() + "@example.test";
    const ReturnEntry e = poison(email, "raw of " + email);
    try {
        ReturnRecorder(db()).record(e);
        FAIL() << "recorded a return the server refuses in every form";
    } catch (const UnrecordableReturn& u) {
        EXPECT_NE(std::string(u.what()).find("refused for good"), std::string::npos) << u.what();
    }
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bounce_logs WHERE email = ?", {email}), 0);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM EmailAddressTracker WHERE EmailAddress = ?", {email}), 0);
}

TEST_F(ReturnRecorderPoisonTest, UnattributedRawIsCappedAndDedupStillUsesTheWholeMessage)
{
    const std::string head = "unattributed " + tag() + " ";
    ReturnEntry e;
    e.envelopeRecipient = "nobody-" + tag() + "@bounces.test";
    e.rawMessage = head + std::string(100000, 'a');
    e.dedupKey = ReturnRecorder::dedupKey(e.rawMessage, e.envelopeRecipient, 0);
    ReturnRecorder recorder(db(), {}, 65536);
    const RecordResult r = recorder.record(e);
    EXPECT_EQ(r.outcome, RecordOutcome::Recorded);
    EXPECT_TRUE(r.rawCapped);
    EXPECT_EQ(queryInt("SELECT LENGTH(raw_message) FROM bounce_logs WHERE envelope_recipient = ?", {e.envelopeRecipient}),
              65536);
    EXPECT_EQ(recorder.record(e).outcome, RecordOutcome::Duplicate);

    // Same first 64 KiB, another tail: another return.
    ReturnEntry other = e;
    other.rawMessage = head + std::string(100000, 'a') + "b";
    other.dedupKey = ReturnRecorder::dedupKey(other.rawMessage, other.envelopeRecipient, 0);
    EXPECT_EQ(recorder.record(other).outcome, RecordOutcome::Recorded);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bounce_logs WHERE envelope_recipient = ?", {e.envelopeRecipient}), 2);

    // An attributed return keeps its whole (already bounded) message.
    ReturnEntry member = e;
    member.email = address("capped");
    member.result.bounceClass = BounceClass::Hard;
    member.rawMessage = head + std::string(70000, 'm');
    member.dedupKey = ReturnRecorder::dedupKey(member.rawMessage, member.envelopeRecipient, 0);
    const RecordResult m = recorder.record(member);
    EXPECT_FALSE(m.rawCapped);
    EXPECT_EQ(queryInt("SELECT LENGTH(raw_message) FROM bounce_logs WHERE email = ?", {*member.email}),
              static_cast<std::int64_t>(member.rawMessage.size()));
}

} // namespace
} // namespace verpmail
