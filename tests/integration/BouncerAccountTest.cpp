// The bouncer's own MariaDB account (verpmail-admin db accounts, made by the test
// bed): recording returns works with it (and an opt-out by mail: AccountsTest.cpp),
// and everything else is denied.
#include "DatabaseFixture.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/store/ReturnRecorder.h"
#include "verpmail/store/TrackerStore.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace verpmail {
namespace {

class BouncerAccountTest : public DatabaseFixture
{
protected:
    void SetUp() override
    {
        DatabaseFixture::SetUp();
        ASSERT_TRUE(config().hasProperty(keys::kBouncerMysqlOptionFile.name))
            << "the test bed has no bouncer.mysql.optionFile: scripts/testbed up";
        MysqlOptions options = bouncerMysqlOptionsFrom(config());
        // The test bed's file belongs to the pipe user, and the programs refuse an
        // option file of another user: read it through a private copy of our own.
        struct stat st {};
        ASSERT_EQ(::stat(options.optionFile.c_str(), &st), 0) << options.optionFile;
        if (st.st_uid != ::geteuid()) {
            _copy = "/tmp/verpmail-bouncer-" + tag() + ".cnf";
            std::ifstream in(options.optionFile);
            std::ostringstream text;
            text << in.rdbuf();
            std::ofstream(_copy) << text.str();
            ::chmod(_copy.c_str(), 0600);
            options.optionFile = _copy;
        }
        _bouncer = std::make_unique<MysqlConnection>(options);
        MysqlStatement who = _bouncer->prepare("SELECT CURRENT_USER()");
        who.execute();
        ASSERT_TRUE(who.fetch());
        ASSERT_EQ(who.text(0).rfind("verpmail_bouncer@", 0), 0u) << who.text(0);
    }
    void TearDown() override
    {
        if (!_copy.empty())
            ::unlink(_copy.c_str());
    }

    ReturnEntry entry(const std::string& email, BounceClass cls, const std::string& campaign)
    {
        ReturnEntry e;
        e.email = email;
        e.encodedFrom = "sentto-b" + std::to_string(std::hash<std::string>{}(email) % 1000000000);
        e.envelopeRecipient = e.encodedFrom + "@bounces.test";
        e.kind = ReturnKind::Bounce;
        e.result.bounceClass = cls;
        e.result.status = cls == BounceClass::Hard ? "5.1.1" : "4.2.2";
        e.result.reason = cls == BounceClass::Hard ? "userunknown" : "mailboxfull";
        e.campaign = campaign;
        e.rawMessage = "raw " + email + " " + bounceTypeName(cls);
        e.dedupKey = ReturnRecorder::dedupKey(e.rawMessage, e.envelopeRecipient, 0);
        return e;
    }

    // The error the bouncer's connection gets for `sql`, 0 when it runs.
    unsigned denied(const std::string& sql, const std::vector<SqlValue>& params = {})
    {
        try {
            MysqlStatement st = _bouncer->prepare(sql);
            st.execute(params);
        } catch (const MysqlError& e) {
            EXPECT_FALSE(e.isTransient()) << e.what();
            EXPECT_FALSE(e.isDataError()) << e.what();
            return e.errorNumber();
        }
        return 0;
    }

    std::unique_ptr<MysqlConnection> _bouncer;
    std::string _copy;
};

TEST_F(BouncerAccountTest, RecordsReturnsIncidentsAndMemberships)
{
    // A list, a member and a campaign, written by the admin's account.
    db().execute("INSERT INTO lists (name, from_address, created_at) VALUES ('b" + tag() +
                 "', 'list@example.test', UTC_TIMESTAMP())");
    const std::int64_t list = queryInt("SELECT id FROM lists WHERE name = ?", {"b" + tag()});
    const std::string member = address("member", "acct" + tag() + ".test");
    MysqlStatement add = db().prepare("INSERT INTO members (list_id, email, added_at) VALUES (?, ?, UTC_TIMESTAMP())");
    add.execute({list, member});
    MysqlStatement campaign = db().prepare("INSERT INTO campaigns (id, list_id, started_at) VALUES (?, ?, UTC_TIMESTAMP())");
    campaign.execute({"c-" + tag(), list});

    PolicySettings policy;
    policy.incident.members = 2;
    ReturnRecorder recorder(*_bouncer, policy);
    EXPECT_EQ(recorder.record(entry(member, BounceClass::Hard, "c-" + tag())).outcome, RecordOutcome::Recorded);
    EXPECT_EQ(queryText("SELECT bounce_status FROM members WHERE email = ?", {member}), "hard");
    EXPECT_EQ(queryInt("SELECT HardBounceCount FROM EmailAddressTracker WHERE EmailAddress = ?", {member}), 1);
    EXPECT_EQ(TrackerStore(*_bouncer).emailForEncodedFrom(entry(member, BounceClass::Hard, "").encodedFrom), member);

    // Members at one domain failing alike for a reason about the provider, reported
    // by two hosts, open an incident (its own rows); the share reads send_log.
    const std::string domain = "incident" + tag() + ".test";
    MysqlStatement mailed = db().prepare("INSERT INTO send_log (campaign_id, email, status, updated_at)"
                                         " VALUES (?, ?, 'accepted', UTC_TIMESTAMP())");
    int host = 0;
    for (const char* local : {"a", "b", "c"}) {
        mailed.execute({"c-" + tag(), address(local, domain)});
        ReturnEntry e = entry(address(local, domain), BounceClass::Soft, "");
        e.result.reason = "systemerror";
        e.result.remoteMta = "mx" + std::to_string(++host % 2) + "." + domain;
        EXPECT_EQ(recorder.record(e).outcome, RecordOutcome::Recorded);
    }
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM domain_incidents WHERE domain = ?", {domain}), 1);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bounce_logs WHERE domain = ? AND incident_id IS NOT NULL", {domain}), 3);

    ReturnEntry unattributed = entry(member, BounceClass::None, "");
    unattributed.email.reset();
    unattributed.rawMessage += " unattributed";
    unattributed.dedupKey = ReturnRecorder::dedupKey(unattributed.rawMessage, unattributed.envelopeRecipient, 0);
    EXPECT_EQ(recorder.record(unattributed).outcome, RecordOutcome::Recorded);
}

TEST_F(BouncerAccountTest, IsDeniedReadingTheAuditChangingListsAndThePolicy)
{
    constexpr unsigned kTableDenied = 1142;   // ER_TABLEACCESS_DENIED_ERROR
    constexpr unsigned kColumnDenied = 1143;  // ER_COLUMNACCESS_DENIED_ERROR
    // The audit only gains rows (an opt-out by mail), never read or changed.
    EXPECT_EQ(denied("SELECT COUNT(*) FROM admin_audit"), kTableDenied);
    EXPECT_EQ(denied("UPDATE admin_audit SET actor = 'bouncer' WHERE id = 0"), kTableDenied);
    EXPECT_EQ(denied("DELETE FROM admin_audit WHERE id = 0"), kTableDenied);
    // A list's id and name only (the opt-out's log and audit), and no change to one.
    EXPECT_EQ(denied("SELECT from_address FROM lists"), kColumnDenied);
    EXPECT_EQ(denied("UPDATE lists SET name = name WHERE id = 0"), kTableDenied);
    EXPECT_EQ(denied("SELECT detail FROM send_log"), kColumnDenied);
    EXPECT_EQ(denied("UPDATE send_log SET status = 'accepted' WHERE email = ''"), kTableDenied);
    EXPECT_EQ(denied("SELECT COUNT(*) FROM policy_decisions"), kTableDenied);
    EXPECT_EQ(denied("DELETE FROM bounce_logs WHERE id = 0"), kTableDenied);
    EXPECT_EQ(denied("UPDATE EmailAddressTracker SET SuppressedAt = NULL WHERE EmailAddress = ''"), kColumnDenied);
    EXPECT_EQ(denied("UPDATE members SET email = email WHERE id = 0"), kColumnDenied);
    EXPECT_EQ(denied("SELECT message_file FROM campaigns"), kColumnDenied);
    // What it needs works.
    EXPECT_EQ(denied("SELECT COUNT(*) FROM EmailAddressTracker WHERE EncodedFROM = ?", {"x"}), 0u);
    EXPECT_EQ(denied("SELECT COUNT(*) FROM counted_returns WHERE id = 0"), 0u);
    EXPECT_EQ(denied("SELECT l.name FROM members m JOIN lists l ON l.id = m.list_id WHERE m.id = 0"), 0u);
    EXPECT_EQ(denied("SELECT COUNT(DISTINCT s.email) FROM campaigns c JOIN send_log s ON s.domain = ?"
                     " AND s.campaign_id = c.id WHERE c.finished_at IS NULL AND s.status = 'accepted'"
                     " AND s.updated_at >= UTC_TIMESTAMP() - INTERVAL 60 MINUTE", {"example.test"}), 0u);
}

} // namespace
} // namespace verpmail
