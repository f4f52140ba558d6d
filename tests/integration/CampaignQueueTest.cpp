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

    /// What one worker reads in one claim (the rows of one slice), its slice given back.
    std::vector<std::string> claim(CampaignQueue& queue, unsigned n)
    {
        SliceCursor cursor;
        const std::vector<std::string> rows = queue.claim(db(), n, cursor);
        queue.releaseSlice(db(), cursor);
        return rows;
    }

    /// Every member of the campaign, as they stand in send_log.
    std::vector<std::string> allRows()
    {
        MysqlStatement st = db().prepare("SELECT email FROM send_log WHERE campaign_id = ? ORDER BY email");
        st.execute({campaign()});
        std::vector<std::string> rows;
        while (st.fetch())
            rows.push_back(st.text(0));
        return rows;
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

TEST_F(CampaignQueueTest, OnlyTheSlicesOwnerUnderALiveLeaseMarksRowsSubmitting)
{
    const std::string claimer = "c-" + tag();
    addClaimer(claimer, 60);
    CampaignQueue queue = open(1, claimer);
    SliceCursor cursor;
    const std::vector<std::string> claimed = queue.claim(db(), 10, cursor);
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(status(claimed[0]), "queued") << "owning the slice is the claim; the row needs no mark yet";
    run("UPDATE send_claimers SET lease_until = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE id = ?", {claimer});
    EXPECT_TRUE(queue.beginSubmitting(db(), claimed, cursor).empty()) << "a lapsed lease submits nothing";
    run("UPDATE send_claimers SET lease_until = UTC_TIMESTAMP() + INTERVAL 60 SECOND WHERE id = ?", {claimer});
    run("UPDATE send_slices SET claimed_by = 'another' WHERE campaign_id = ? AND slice = ?", {campaign(), *cursor.slice});
    EXPECT_TRUE(queue.beginSubmitting(db(), claimed, cursor).empty()) << "a slice taken over submits nothing";
    EXPECT_EQ(status(claimed[0]), "queued");
    run("UPDATE send_slices SET claimed_by = ? WHERE campaign_id = ? AND slice = ?", {claimer, campaign(), *cursor.slice});
    EXPECT_EQ(queue.beginSubmitting(db(), claimed, cursor), claimed);
    EXPECT_EQ(status(claimed[0]), "submitting");
}

TEST_F(CampaignQueueTest, ADeadClaimersRowsAreTakenOverAndALiveOnesAreNot)
{
    const std::string dead = "dead-" + tag(), live = "live-" + tag(), self = "self-" + tag();
    addClaimer(dead, 60);
    addClaimer(live, 60);
    CampaignQueue queue = open(4, dead);
    const std::vector<std::string> rows = allRows();
    ASSERT_EQ(rows.size(), 4u);
    // The dead claimer had a session running for one row (it may have been sent) and
    // another row claimed the old way ('pending', before leases); the live one has two
    // rows in a session.
    run("UPDATE send_log SET status = 'submitting', claimed_by = ? WHERE campaign_id = ? AND email = ?", {dead, campaign(), rows[0]});
    run("UPDATE send_log SET status = 'pending', claimed_by = ? WHERE campaign_id = ? AND email = ?", {dead, campaign(), rows[1]});
    run("UPDATE send_log SET status = 'submitting', claimed_by = ? WHERE campaign_id = ? AND email IN (?, ?)",
        {live, campaign(), rows[2], rows[3]});
    run("UPDATE send_claimers SET lease_until = UTC_TIMESTAMP() - INTERVAL 5 SECOND WHERE id = ?", {dead});

    const Reclaimed r = reclaimDeadClaimers(db(), campaign(), self);
    EXPECT_EQ(r.uncertain, 1u);
    EXPECT_EQ(r.requeued, 1u);
    EXPECT_EQ(status(rows[0]), "uncertain");
    EXPECT_EQ(status(rows[1]), "queued");
    EXPECT_EQ(status(rows[2]), "submitting");
    EXPECT_EQ(status(rows[3]), "submitting");
    EXPECT_NE(queryText("SELECT ended_at FROM send_claimers WHERE id = ?", {dead}), "<no row>");
    EXPECT_EQ(queryInt("SELECT ended_at IS NULL FROM send_claimers WHERE id = ?", {live}), 1);
    EXPECT_EQ(queryInt("SELECT claimed_by IS NULL FROM send_log WHERE campaign_id = ? AND email = ?", {campaign(), rows[1]}), 1)
        << "the requeued row is anybody's again";
}

TEST_F(CampaignQueueTest, AGoneProcessOnThisMachineIsTakenOverBeforeItsLeaseEnds)
{
    const std::string gone = "gone-" + tag(), self = "self-" + tag();
    const ClaimLease lease(mysqlOptionsFrom(config()), campaign(), 60);  // this process's domain, a live lease
    run("INSERT INTO send_claimers (id, campaign_id, host, process_domain, pid, started_at, lease_until)"
        " SELECT ?, ?, host, process_domain, 4194304, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 60 SECOND"
        " FROM send_claimers WHERE id = ?", {gone, campaign(), lease.id()});
    CampaignQueue goneQueue = open(1, gone);
    const std::vector<std::string> rows = claim(goneQueue, 10);
    ASSERT_EQ(rows.size(), 1u);
    run("UPDATE send_log SET status = 'submitting', claimed_by = ? WHERE campaign_id = ? AND email = ?", {gone, campaign(), rows[0]});
    // pid 4194304 is above Linux's pid_max limit: no such process can exist.
    EXPECT_EQ(reclaimDeadClaimers(db(), campaign(), self).uncertain, 1u);
    EXPECT_EQ(queryInt("SELECT ended_at IS NULL FROM send_claimers WHERE id = ?", {lease.id()}), 1)
        << "the lease of this live process stays";
}

TEST_F(CampaignQueueTest, TwoWorkersNeverClaimInOneSlice)
{
    const std::string a = "a-" + tag(), b = "b-" + tag();
    addClaimer(a, 60);
    addClaimer(b, 60);
    CampaignQueue first = open(200, a);
    CampaignQueue second(campaign(), b, SendSettings{});
    SliceCursor one, two;
    const std::vector<std::string> rows = first.claim(db(), 50, one);
    ASSERT_FALSE(rows.empty());
    ASSERT_FALSE(second.claim(db(), 50, two).empty());
    ASSERT_TRUE(one.slice && two.slice);
    EXPECT_NE(*one.slice, *two.slice);
    EXPECT_EQ(queryText("SELECT claimed_by FROM send_slices WHERE campaign_id = ? AND slice = ?", {campaign(), *one.slice}), a);
    for (const std::string& email : rows)
        EXPECT_EQ(queryInt("SELECT slice FROM send_log WHERE campaign_id = ? AND email = ?", {campaign(), email}),
                  static_cast<std::int64_t>(*one.slice))
            << "every row a worker claims lies in the slice it owns";
    ASSERT_EQ(first.beginSubmitting(db(), {rows[0]}, one), std::vector<std::string>{rows[0]});

    // A dead owner's slice is free again, and taking it over settles the dead one's
    // rows: the one in its session is uncertain, the others are claimed anew.
    run("UPDATE send_claimers SET lease_until = UTC_TIMESTAMP() - INTERVAL 5 SECOND WHERE id = ?", {a});
    run("UPDATE send_log SET retry_at = UTC_TIMESTAMP() + INTERVAL 1 HOUR WHERE campaign_id = ? AND slice <> ?",
        {campaign(), *one.slice});
    run("INSERT INTO send_log (campaign_id, email, slice, status, updated_at) VALUES (?, ?, ?, 'queued', UTC_TIMESTAMP())",
        {campaign(), address("extra"), *one.slice});
    second.releaseSlice(db(), two);
    const std::vector<std::string> taken = second.claim(db(), 50, two);
    EXPECT_EQ(two.slice.value_or(99), *one.slice);
    EXPECT_EQ(two.uncertainTakenOver, 1u);
    EXPECT_EQ(status(rows[0]), "uncertain");
    EXPECT_EQ(std::find(taken.begin(), taken.end(), rows[0]), taken.end());
    EXPECT_NE(std::find(taken.begin(), taken.end(), address("extra")), taken.end());
}

// Finding a slice with due rows reads about one row per slice, not the queue: the
// server once ran the check as a semi-join over every queued row of the campaign.
TEST_F(CampaignQueueTest, FindingASliceReadsFewRowsHoweverLongTheQueue)
{
    const std::string claimer = "c-" + tag();
    addClaimer(claimer, 60);
    CampaignQueue queue = open(1, claimer);
    run("INSERT INTO send_log (campaign_id, email, slice, status, updated_at)"
        " SELECT ?, CONCAT('bulk', seq, '@', ?), CRC32(seq) % 64, 'queued', UTC_TIMESTAMP() FROM seq_1_to_6000",
        {campaign(), "bulk-" + tag() + ".example.test"});
    auto rowsRead = [this] {
        std::int64_t n = 0;
        for (const char* counter : {"Handler_read_key", "Handler_read_next", "Handler_read_rnd_next"})
            n += queryInt("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = ?",
                          {counter});
        return n;
    };
    const std::int64_t before = rowsRead();
    SliceCursor cursor;
    const std::vector<std::string> rows = queue.claim(db(), 25, cursor);
    const std::int64_t read = rowsRead() - before;
    EXPECT_EQ(rows.size(), 25u);
    // 64 slices, a row or two each, the claimer, the 25 rows: far below the 6001 queued.
    EXPECT_LT(read, 600) << "rows read to find a slice and claim 25 rows";
    queue.releaseSlice(db(), cursor);
}

TEST_F(CampaignQueueTest, AWorkerReadsASliceItOwnsButHasForgotten)
{
    // Seen on Galera: a worker took a dead claimer's slice, a later statement failed,
    // the cursor never heard of the slice, and every worker then waited for its rows
    // to be claimed by "a live claimer" for ever.
    const std::string self = "self-" + tag(), other = "other-" + tag();
    addClaimer(self, 60);
    addClaimer(other, 60);
    CampaignQueue queue = open(100, self);
    run("UPDATE send_log SET retry_at = UTC_TIMESTAMP() + INTERVAL 1 HOUR WHERE campaign_id = ? AND slice <> 7",
        {campaign()});
    run("INSERT INTO send_log (campaign_id, email, slice, status, updated_at) VALUES (?, ?, 7, 'queued', UTC_TIMESTAMP())",
        {campaign(), address("in-seven")});
    run("UPDATE send_slices SET claimed_by = ?, worker = 3 WHERE campaign_id = ? AND slice = 7", {self, campaign()});

    CampaignQueue otherQueue(campaign(), other, SendSettings{});
    SliceCursor stranger, sibling, owner;
    stranger.worker = 3;
    sibling.worker = 2;
    EXPECT_TRUE(otherQueue.claim(db(), 50, stranger).empty()) << "another live claimer's slice is not read";
    EXPECT_TRUE(queue.claim(db(), 50, sibling).empty()) << "nor another worker's of the same process";
    owner.worker = 3;
    const std::vector<std::string> rows = queue.claim(db(), 50, owner);
    EXPECT_EQ(owner.slice.value_or(99), 7u);
    EXPECT_NE(std::find(rows.begin(), rows.end(), address("in-seven")), rows.end());
    EXPECT_EQ(queue.beginSubmitting(db(), rows, owner), rows) << "and it may send them";
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
