// CampaignQueueTest: the send queue's promises against the real MariaDB: 4xx retries
// back off and end 'deferred' only after send.queueLifetime; claims live under a
// lease, and a dead claimer's rows are taken over ('pending' back to the queue,
// 'submitting' uncertain) while a live one's are left alone.
#include "CampaignQueue.h"
#include "ClaimLease.h"
#include "DatabaseFixture.h"

#include <algorithm>

namespace verpmail {
namespace {

class CampaignQueueTest : public DatabaseFixture
{
protected:
    std::string campaign() const { return "cq-" + tag(); }

    /// A list of n members and a campaign opened on it under claimer.
    CampaignQueue open(int n, const std::string& claimer, const SendSettings& settings = SendSettings{})
    {
        MysqlStatement list = db().prepare(
            "INSERT INTO lists (name, from_address, created_at) VALUES (?, 'l@example.test', UTC_TIMESTAMP())");
        list.execute({"cq-" + tag()});
        _listId = static_cast<unsigned>(list.insertId());
        for (int i = 0; i < n; ++i) {
            MysqlStatement member = db().prepare("INSERT INTO members (list_id, email, added_at) VALUES (?, ?, UTC_TIMESTAMP())");
            member.execute({_listId, address("m" + std::to_string(i))});
        }
        CampaignQueue queue(campaign(), claimer, settings);
        EXPECT_TRUE(queue.open(db(), _listId, "/cq/issue.eml", "digest-" + tag()));
        return queue;
    }

    /// Registers a claimer whose lease ends `seconds` from now (negative: in the past).
    void addClaimer(const std::string& id, int seconds, const std::string& domain = "elsewhere", int pid = 1)
    {
        MysqlStatement st = db().prepare(
            "INSERT INTO send_claimers (id, campaign_id, host, process_domain, pid, started_at, lease_until)"
            " VALUES (?, ?, 'other-host', ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? SECOND)");
        st.execute({id, campaign(), domain, pid, seconds});
    }

    std::string status(const std::string& email)
    {
        return queryText("SELECT status FROM send_log WHERE campaign_id = ? AND email = ?", {campaign(), email});
    }

    static Settlement deferred(const std::string& email)
    {
        Settlement s;
        s.email = email;
        s.result.outcome = SubmitOutcome::Deferred;
        s.result.code = 451;
        s.result.text = "try later";
        return s;
    }

    /// Up to n rows, from as many slices as it takes (one worker's claims).
    std::vector<std::string> claim(CampaignQueue& queue, std::size_t n)
    {
        SliceCursor cursor;
        std::vector<std::string> all;
        for (std::vector<std::string> some;
             all.size() < n && !(some = queue.claim(db(), static_cast<unsigned>(n - all.size()), cursor)).empty();)
            all.insert(all.end(), some.begin(), some.end());
        queue.releaseSlice(db(), cursor);
        return all;
    }

    void run(const std::string& sql, const std::vector<SqlValue>& params)
    {
        MysqlStatement st = db().prepare(sql);
        st.execute(params);
    }

    unsigned _listId = 0;
};

TEST_F(CampaignQueueTest, FourHundredsBackOffAndDoubleUpToTheMaximum)
{
    SendSettings settings;
    settings.minimalBackoffSeconds = 100;
    settings.maximalBackoffSeconds = 350;
    const std::string claimer = "c-" + tag();
    addClaimer(claimer, 60);
    CampaignQueue queue = open(1, claimer, settings);
    const std::string email = address("m0");
    const char* waitSql = "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), retry_at) FROM send_log WHERE campaign_id = ? AND email = ?";
    const std::int64_t expected[] = {100, 200, 350, 350};
    for (const std::int64_t wait : expected) {
        run("UPDATE send_log SET retry_at = NULL WHERE campaign_id = ?", {campaign()});
        ASSERT_EQ(claim(queue, 10), std::vector<std::string>{email});
        queue.settle(db(), {deferred(email)});
        EXPECT_EQ(status(email), "queued");
        const std::int64_t got = queryInt(waitSql, {campaign(), email});
        EXPECT_GE(got, wait - 2);
        EXPECT_LE(got, wait);
    }
    EXPECT_TRUE(claim(queue, 10).empty()) << "a row is not claimed before its retry is due";
}

TEST_F(CampaignQueueTest, AFourHundredEndsDeferredOnlyAfterTheQueueLifetime)
{
    SendSettings settings;
    settings.queueLifetimeSeconds = 3600;
    const std::string claimer = "c-" + tag();
    addClaimer(claimer, 60);
    CampaignQueue queue = open(1, claimer, settings);
    const std::string email = address("m0");
    ASSERT_EQ(claim(queue, 10).size(), 1u);
    queue.settle(db(), {deferred(email)});
    EXPECT_EQ(status(email), "queued");
    // An hour and a minute later, the next 4xx gives up.
    run("UPDATE send_log SET retry_at = NULL, first_deferred_at = UTC_TIMESTAMP() - INTERVAL 61 MINUTE"
        " WHERE campaign_id = ?", {campaign()});
    ASSERT_EQ(claim(queue, 10).size(), 1u);
    queue.settle(db(), {deferred(email)});
    EXPECT_EQ(status(email), "deferred");
    EXPECT_EQ(queue.counts(db()).deferred, 1u);
}

TEST_F(CampaignQueueTest, OnlyALiveLeaseMarksRowsSubmitting)
{
    const std::string claimer = "c-" + tag();
    addClaimer(claimer, 60);
    CampaignQueue queue = open(2, claimer);
    const std::vector<std::string> claimed = claim(queue, 10);
    ASSERT_EQ(claimed.size(), 2u);
    EXPECT_EQ(queue.beginSubmitting(db(), {claimed[0]}), std::vector<std::string>{claimed[0]});
    EXPECT_EQ(status(claimed[0]), "submitting");
    run("UPDATE send_claimers SET lease_until = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE id = ?", {claimer});
    EXPECT_TRUE(queue.beginSubmitting(db(), {claimed[1]}).empty()) << "a lapsed lease submits nothing";
    EXPECT_EQ(status(claimed[1]), "pending");
}

TEST_F(CampaignQueueTest, ADeadClaimersRowsAreTakenOverAndALiveOnesAreNot)
{
    const std::string dead = "dead-" + tag(), live = "live-" + tag(), self = "self-" + tag();
    addClaimer(dead, 60);
    addClaimer(live, 60);
    CampaignQueue deadQueue = open(5, dead);
    CampaignQueue liveQueue(campaign(), live, SendSettings{});
    const std::vector<std::string> deadRows = claim(deadQueue, 2);
    const std::vector<std::string> liveRows = claim(liveQueue, 2);
    ASSERT_EQ(deadRows.size(), 2u);
    ASSERT_EQ(liveRows.size(), 2u);
    // The dead claimer had started a session for one row: it may have been sent.
    run("UPDATE send_log SET status = 'submitting' WHERE campaign_id = ? AND email = ?", {campaign(), deadRows[0]});
    run("UPDATE send_claimers SET lease_until = UTC_TIMESTAMP() - INTERVAL 5 SECOND WHERE id = ?", {dead});

    const Reclaimed r = reclaimDeadClaimers(db(), campaign(), self);
    EXPECT_EQ(r.uncertain, 1u);
    EXPECT_EQ(r.requeued, 1u);
    EXPECT_EQ(status(deadRows[0]), "uncertain");
    EXPECT_EQ(status(deadRows[1]), "queued");
    EXPECT_EQ(status(liveRows[0]), "pending");
    EXPECT_EQ(status(liveRows[1]), "pending");
    EXPECT_NE(queryText("SELECT ended_at FROM send_claimers WHERE id = ?", {dead}), "<no row>");
    EXPECT_EQ(queryInt("SELECT ended_at IS NULL FROM send_claimers WHERE id = ?", {live}), 1);
    // The requeued row is claimed again by anyone.
    CampaignQueue mine(campaign(), self, SendSettings{});
    addClaimer(self, 60);
    const std::vector<std::string> again = claim(mine, 10);
    EXPECT_NE(std::find(again.begin(), again.end(), deadRows[1]), again.end());
}

TEST_F(CampaignQueueTest, AGoneProcessOnThisMachineIsTakenOverBeforeItsLeaseEnds)
{
    const std::string gone = "gone-" + tag(), self = "self-" + tag();
    const ClaimLease lease(mysqlOptionsFrom(config()), campaign(), 60);  // this process's domain, a live lease
    run("INSERT INTO send_claimers (id, campaign_id, host, process_domain, pid, started_at, lease_until)"
        " SELECT ?, ?, host, process_domain, 4194304, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 60 SECOND"
        " FROM send_claimers WHERE id = ?", {gone, campaign(), lease.id()});
    CampaignQueue goneQueue = open(1, gone);
    ASSERT_EQ(claim(goneQueue, 10).size(), 1u);
    // pid 4194304 is above Linux's pid_max limit: no such process can exist.
    EXPECT_EQ(reclaimDeadClaimers(db(), campaign(), self).requeued, 1u);
    EXPECT_EQ(reclaimDeadClaimers(db(), campaign(), self).requeued, 0u) << "the claim of the lease's own process stays";
}

TEST_F(CampaignQueueTest, TwoWorkersNeverClaimInOneSlice)
{
    const std::string a = "a-" + tag(), b = "b-" + tag();
    addClaimer(a, 60);
    addClaimer(b, 60);
    CampaignQueue first = open(200, a);
    CampaignQueue second(campaign(), b, SendSettings{});
    SliceCursor one, two;
    const std::vector<std::string> firstRow = first.claim(db(), 1, one);
    ASSERT_EQ(firstRow.size(), 1u);
    ASSERT_FALSE(second.claim(db(), 1, two).empty());
    ASSERT_TRUE(one.slice && two.slice);
    EXPECT_NE(*one.slice, *two.slice);
    EXPECT_EQ(queryText("SELECT claimed_by FROM send_slices WHERE campaign_id = ? AND slice = ?", {campaign(), *one.slice}), a);
    // Every row claimed by a worker lies in the slice it owns.
    const std::vector<std::string> more = first.claim(db(), 50, one);
    for (const std::string& email : more)
        EXPECT_EQ(queryInt("SELECT slice FROM send_log WHERE campaign_id = ? AND email = ?", {campaign(), email}),
                  static_cast<std::int64_t>(*one.slice));
    // A dead owner's slice is free again, and taking it over settles the dead one's claims.
    run("UPDATE send_claimers SET lease_until = UTC_TIMESTAMP() - INTERVAL 5 SECOND WHERE id = ?", {a});
    run("UPDATE send_log SET retry_at = UTC_TIMESTAMP() + INTERVAL 1 HOUR WHERE campaign_id = ? AND slice <> ?",
        {campaign(), *one.slice});
    run("UPDATE send_log SET status = 'queued', claimed_by = NULL WHERE campaign_id = ? AND email = ?",
        {campaign(), firstRow[0]});
    second.releaseSlice(db(), two);
    EXPECT_FALSE(second.claim(db(), 1, two).empty());
    EXPECT_EQ(two.slice.value_or(99), *one.slice);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM send_log WHERE campaign_id = ? AND claimed_by = ? AND status = 'pending'",
                       {campaign(), a}),
              0);
}

TEST_F(CampaignQueueTest, ClaimerIdsAreUniqueEvenOnOneHost)
{
    EXPECT_NE(newClaimerId(), newClaimerId());
    EXPECT_LE(newClaimerId().size(), 96u);
}

TEST_F(CampaignQueueTest, TheUnfinishedCampaignOfAListAndMessageIsFound)
{
    const std::string claimer = "c-" + tag();
    CampaignQueue queue = open(1, claimer);
    EXPECT_EQ(CampaignQueue::findUnfinished(db(), _listId, "digest-" + tag()).value_or(""), campaign());
    EXPECT_FALSE(CampaignQueue::findUnfinished(db(), _listId, "another-message").has_value());
    run("UPDATE campaigns SET finished_at = UTC_TIMESTAMP() WHERE id = ?", {campaign()});
    EXPECT_FALSE(CampaignQueue::findUnfinished(db(), _listId, "digest-" + tag()).has_value());
}

} // namespace
} // namespace verpmail
