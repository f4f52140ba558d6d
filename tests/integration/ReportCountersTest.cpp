// The report counters against a real MariaDB: the recorder and the sender count what
// they write, once, in their own transaction; concurrent writers neither deadlock
// nor miscount; a recount rebuilds the counters from their sources.
#include "DatabaseFixture.h"

#include "CampaignQueue.h"
#include "ClaimLease.h"

#include <algorithm>

#include "verpmail/store/ReportCounters.h"
#include "verpmail/store/ReturnRecorder.h"

#include <atomic>
#include <thread>

namespace verpmail {
namespace {

class ReportCountersTest : public DatabaseFixture
{
protected:
    std::string campaign() const { return "rc-" + tag(); }
    std::string domain(int n = 0) const { return "d" + std::to_string(n) + "-" + tag() + ".test"; }

    ReturnEntry entry(const std::string& email, BounceClass cls, const std::string& raw) const
    {
        ReturnEntry e;
        e.email = email;
        e.encodedFrom = "sentto-rc-" + std::to_string(std::hash<std::string>{}(email) % 1000000000);
        e.envelopeRecipient = e.encodedFrom + "@bounces.test";
        e.kind = ReturnKind::Bounce;
        e.result.bounceClass = cls;
        e.result.reason = "reason-" + tag();
        e.campaign = campaign();
        e.rawMessage = raw;
        e.dedupKey = ReturnRecorder::dedupKey(raw, e.envelopeRecipient, 0);
        return e;
    }

    /// SUM(column) of a counts_* table over the rows `where` picks.
    std::int64_t counted(const std::string& table, const std::string& column, const std::string& where,
                         const std::vector<SqlValue>& params)
    {
        return queryInt("SELECT COALESCE(SUM(" + column + "), 0) FROM " + table + " WHERE " + where, params);
    }

    /// Every count column of the campaign's counters, table by table, against the
    /// same sums over the sources (the counted_* views): the invariant of sql/005.
    void expectCountersEqualSources()
    {
        for (const CounterTable& table : kCounterTables) {
            const std::string key = table.keys[0] == std::string("campaign") || table.keys[1] == std::string("campaign")
                                        ? "campaign = ?"
                                        : (table.keys[1] == std::string("domain") ? "domain LIKE ?" : "");
            if (key.empty())
                continue;  // day x reason: this test's rows share their keys with others
            const SqlValue value = key == "campaign = ?" ? SqlValue(campaign()) : SqlValue("%-" + tag() + ".test");
            std::vector<const char*> columns(kReturnColumns.begin(), kReturnColumns.end());
            if (table.countsSends)
                columns.insert(columns.end(), kSendColumns.begin(), kSendColumns.end());
            for (const char* c : columns) {
                std::int64_t sources = 0;
                for (const char* view : {"counted_returns", "counted_rollups", "counted_sends"})
                    if (table.countsSends || view != std::string("counted_sends"))
                        sources += counted(view, c, key, {value});
                EXPECT_EQ(counted(table.name, c, key, {value}), sources) << table.name << "." << c;
            }
        }
    }

    /// The campaign's queued rows, as the workers that own their slices read them.
    std::vector<std::string> claimAll(CampaignQueue&)
    {
        MysqlStatement st = db().prepare("SELECT email FROM send_log WHERE campaign_id = ? AND status = 'queued' ORDER BY email");
        st.execute({campaign()});
        std::vector<std::string> rows;
        while (st.fetch())
            rows.push_back(st.text(0));
        return rows;
    }

    /// A list with `n` members spread over domain(0..3), the campaign opened on it.
    CampaignQueue openCampaign(int n)
    {
        MysqlStatement list = db().prepare(
            "INSERT INTO lists (name, from_address, created_at) VALUES (?, 'l@example.test', UTC_TIMESTAMP())");
        list.execute({"rc-" + tag()});
        const auto listId = static_cast<unsigned>(list.insertId());
        for (int i = 0; i < n; ++i) {
            MysqlStatement member = db().prepare("INSERT INTO members (list_id, email, added_at) VALUES (?, ?, UTC_TIMESTAMP())");
            member.execute({listId, address("m" + std::to_string(i), domain(i % 4))});
        }
        CampaignQueue queue(campaign(), newClaimerId(), SendSettings{});
        EXPECT_TRUE(queue.open(db(), listId, "/rc/issue.eml", ""));
        return queue;
    }
};

TEST_F(ReportCountersTest, ARecordedReturnCountsOnceInEveryTable)
{
    const std::string email = address("hard", domain());
    ReturnRecorder recorder(db());
    const ReturnEntry e = entry(email, BounceClass::Hard, "hard " + email);
    ASSERT_EQ(recorder.record(e), RecordOutcome::Recorded);
    ASSERT_EQ(recorder.record(e), RecordOutcome::Duplicate);

    const std::string day = queryText("SELECT DATE(bounced_at) FROM bounce_logs WHERE email = ?", {email});
    const std::string month = day.substr(0, 8) + "01";
    const std::string reason = e.result.reason;
    EXPECT_EQ(counted("counts_day_campaign", "hard", "day = ? AND campaign = ?", {day, campaign()}), 1);
    EXPECT_EQ(counted("counts_day_domain", "hard", "day = ? AND domain = ?", {day, domain()}), 1);
    EXPECT_EQ(counted("counts_month_domain", "hard", "month = ? AND domain = ?", {month, domain()}), 1);
    EXPECT_EQ(counted("counts_campaign_domain", "hard", "campaign = ? AND domain = ?", {campaign(), domain()}), 1);
    EXPECT_EQ(counted("counts_day_reason", "hard", "day = ? AND bounce_reason = ?", {day, reason}), 1);
    EXPECT_EQ(counted("counts_campaign_reason", "hard", "campaign = ? AND bounce_reason = ?", {campaign(), reason}), 1);
    EXPECT_EQ(counted("counts_campaign_domain", "soft + block + complaint + autoreply + none + unattributed + accepted",
                      "campaign = ?", {campaign()}),
              0);
}

TEST_F(ReportCountersTest, AnUnattributedReturnCountsWithoutDomainOrCampaign)
{
    ReturnEntry e = entry("", BounceClass::None, "garbage " + tag());
    e.email.reset();
    const std::string reason = e.result.reason;
    ASSERT_EQ(ReturnRecorder(db()).record(e), RecordOutcome::Recorded);
    // Under the campaign the return names, and the unknown domain "".
    EXPECT_EQ(counted("counts_campaign_domain", "unattributed", "campaign = ? AND domain = ''", {campaign()}), 1);
    EXPECT_EQ(counted("counts_campaign_reason", "unattributed", "campaign = ? AND bounce_reason = ?", {campaign(), reason}), 1);
    EXPECT_EQ(counted("counts_day_reason", "unattributed", "bounce_reason = ?", {reason}), 1);
}

TEST_F(ReportCountersTest, SettledSendsCountAcceptedAndRejectedOnly)
{
    CampaignQueue queue = openCampaign(4);
    const std::vector<std::string> claimed = claimAll(queue);
    ASSERT_EQ(claimed.size(), 4u);
    std::vector<Settlement> settled(4);
    const SubmitOutcome outcomes[] = {SubmitOutcome::Accepted, SubmitOutcome::Rejected, SubmitOutcome::Deferred,
                                      SubmitOutcome::Uncertain};
    for (std::size_t i = 0; i < 4; ++i) {
        settled[i].email = claimed[i];
        settled[i].encodedFrom = "sentto-rc-" + std::to_string(i) + tag();
        settled[i].result.outcome = outcomes[i];
    }
    queue.settle(db(), settled);

    EXPECT_EQ(counted("counts_day_campaign", "accepted", "campaign = ?", {campaign()}), 1);
    EXPECT_EQ(counted("counts_day_campaign", "rejected", "campaign = ?", {campaign()}), 1);
    EXPECT_EQ(counted("counts_campaign_domain", "accepted + rejected", "campaign = ?", {campaign()}), 2);
    expectCountersEqualSources();
}

TEST_F(ReportCountersTest, ConcurrentWritersKeepTheCountersExact)
{
    constexpr int kRecorders = 4, kReturnsEach = 30, kMembers = 120;
    CampaignQueue queue = openCampaign(kMembers);
    // The tracker rows exist, as the sender writes them before mailing: what is
    // under test is the counters, not the tracker's own insert.
    for (int r = 0; r < kRecorders; ++r)
        for (int i = 0; i < kReturnsEach; ++i) {
            MysqlStatement st = db().prepare("INSERT INTO EmailAddressTracker (EmailAddress, EncodedFROM) VALUES (?, ?)");
            const std::string email = address("r" + std::to_string(r) + "-" + std::to_string(i), domain(i % 4));
            st.execute({email, entry(email, BounceClass::Hard, "").encodedFrom});
        }

    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int r = 0; r < kRecorders; ++r)
        threads.emplace_back([&, r] {
            try {
                MysqlConnection own = connect();
                ReturnRecorder recorder(own);
                const BounceClass classes[] = {BounceClass::Hard, BounceClass::Soft, BounceClass::Block,
                                               BounceClass::Complaint};
                for (int i = 0; i < kReturnsEach; ++i) {
                    // Each thread walks the domains in another order.
                    const std::string email = address("r" + std::to_string(r) + "-" + std::to_string(i), domain(i % 4));
                    recorder.record(entry(email, classes[(i + r) % 4], email));
                }
            } catch (const std::exception& e) {
                ADD_FAILURE() << "recorder " << r << ": " << e.what();
                ++failures;
            }
        });
    threads.emplace_back([&] {
        try {
            MysqlConnection own = connect();
            SliceCursor cursor;
            for (std::vector<std::string> batch; !(batch = queue.claim(own, 7, cursor)).empty();) {
                std::vector<Settlement> settled(batch.size());
                for (std::size_t i = 0; i < batch.size(); ++i) {
                    settled[i].email = batch[i];
                    settled[i].encodedFrom = "sentto-rc-s" + std::to_string(i) + batch[i].substr(0, 8) + tag();
                    settled[i].result.outcome = i % 5 ? SubmitOutcome::Accepted : SubmitOutcome::Rejected;
                }
                queue.settle(own, settled);
            }
        } catch (const std::exception& e) {
            ADD_FAILURE() << "sender: " << e.what();
            ++failures;
        }
    });
    for (std::thread& t : threads)
        t.join();
    ASSERT_EQ(failures, 0);
    EXPECT_EQ(counted("counts_campaign_domain", "hard + soft + block + complaint", "campaign = ?", {campaign()}),
              kRecorders * kReturnsEach);
    EXPECT_EQ(counted("counts_campaign_domain", "accepted + rejected", "campaign = ?", {campaign()}), kMembers);
    expectCountersEqualSources();
}

TEST_F(ReportCountersTest, RequeuedSendsAreUncountedAndCountOnceWhenSettledAgain)
{
    CampaignQueue queue = openCampaign(4);
    const std::vector<std::string> claimed = claimAll(queue);
    ASSERT_EQ(claimed.size(), 4u);
    std::vector<Settlement> settled(4);
    for (std::size_t i = 0; i < 4; ++i) {
        settled[i].email = claimed[i];
        settled[i].encodedFrom = "sentto-rc-" + std::to_string(i) + tag();
        settled[i].result.outcome = i == 1 || i == 2 ? SubmitOutcome::Rejected : SubmitOutcome::Accepted;
    }
    queue.settle(db(), settled);
    ASSERT_EQ(counted("counts_day_campaign", "rejected", "campaign = ?", {campaign()}), 2);

    // As `verpmail-admin campaign requeue --status rejected` does: read how the rows
    // count, put them back in the queue, take the counts out, in one transaction.
    const std::vector<std::string> rejected{claimed[1], claimed[2]};
    Transaction tx(db());
    const std::vector<SendGroup> groups = countedSends(db(), campaign(), rejected);
    MysqlStatement requeue = db().prepare(
        "UPDATE send_log SET status = 'queued', claimed_by = NULL WHERE campaign_id = ? AND email IN (?, ?)");
    requeue.execute({campaign(), rejected[0], rejected[1]});
    uncountSends(db(), groups);
    tx.commit();
    EXPECT_EQ(counted("counts_day_campaign", "rejected", "campaign = ?", {campaign()}), 0);
    EXPECT_EQ(counted("counts_day_campaign", "accepted", "campaign = ?", {campaign()}), 2);
    EXPECT_EQ(counted("counts_month_domain", "rejected", "domain LIKE ?", {"%-" + tag() + ".test"}), 0);
    expectCountersEqualSources();

    // Sent again, each counts once more: one accepted, one rejected.
    std::vector<std::string> again = claimAll(queue), expected = rejected;
    std::sort(again.begin(), again.end());
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(again, expected);
    std::vector<Settlement> resettled(2);
    for (std::size_t i = 0; i < 2; ++i) {
        resettled[i].email = again[i];
        resettled[i].encodedFrom = settled[i + 1].encodedFrom;
        resettled[i].result.outcome = i ? SubmitOutcome::Rejected : SubmitOutcome::Accepted;
    }
    queue.settle(db(), resettled);
    EXPECT_EQ(counted("counts_campaign_domain", "accepted", "campaign = ?", {campaign()}), 3);
    EXPECT_EQ(counted("counts_campaign_domain", "rejected", "campaign = ?", {campaign()}), 1);
    expectCountersEqualSources();
}

TEST_F(ReportCountersTest, RecountRebuildsTheCountersFromTheirSources)
{
    const std::string email = address("recorded", domain());
    ASSERT_EQ(ReturnRecorder(db()).record(entry(email, BounceClass::Soft, "soft " + email)), RecordOutcome::Recorded);
    // A row written behind the recorder's back (an import) is not counted...
    MysqlStatement behind = db().prepare(
        "INSERT INTO bounce_logs (email, domain, bounce_type, bounced_at, campaign, kind, dedup_key)"
        " VALUES (?, ?, 'block', UTC_TIMESTAMP() - INTERVAL 40 DAY, ?, 'bounce', UNHEX(SHA2(?, 256)))");
    behind.execute({address("imported", domain(1)), domain(1), campaign(), "imported " + tag()});
    EXPECT_EQ(counted("counts_campaign_domain", "block", "campaign = ?", {campaign()}), 0);

    // ... until a recount, which keeps what was counted and counts it once.
    Transaction tx(db());
    recountAll(db());
    tx.commit();
    EXPECT_EQ(counted("counts_campaign_domain", "block", "campaign = ?", {campaign()}), 1);
    EXPECT_EQ(counted("counts_month_domain", "block", "domain = ?", {domain(1)}), 1);
    EXPECT_EQ(counted("counts_campaign_domain", "soft", "campaign = ?", {campaign()}), 1);
    expectCountersEqualSources();
}

} // namespace
} // namespace verpmail
