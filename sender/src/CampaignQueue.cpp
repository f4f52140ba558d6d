#include "CampaignQueue.h"

#include "ClaimLease.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/ReportCounters.h"

namespace verpmail {
namespace {

std::string inList(std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += i ? ",?" : "?";
    return s;
}

} // namespace

std::string sqlPlaceholders(std::size_t rows, std::size_t columns, const char* extra)
{
    std::string group = "(" + inList(columns) + extra + ")";
    std::string out;
    out.reserve(rows * (group.size() + 1));
    for (std::size_t r = 0; r < rows; ++r) {
        if (r)
            out += ",";
        out += group;
    }
    return out;
}

bool CampaignQueue::open(MysqlConnection& db, unsigned listId, const std::string& messageFile,
                         const std::string& messageDigest)
{
    MysqlStatement insert = db.prepare(
        "INSERT IGNORE INTO campaigns (id, list_id, message_file, message_digest, started_at)"
        " VALUES (?, ?, ?, ?, UTC_TIMESTAMP())");
    insert.execute({_campaign, listId, messageFile, messageDigest});
    MysqlStatement check = db.prepare("SELECT list_id FROM campaigns WHERE id = ?");
    check.execute({_campaign});
    if (!check.fetch() || static_cast<unsigned>(check.integer(0)) != listId)
        return false;
    // One statement for the whole list, however large: the server does the work,
    // and INSERT IGNORE makes it safe for every process of the campaign to run it.
    MysqlStatement enqueue = db.prepare(
        "INSERT IGNORE INTO send_log (campaign_id, email, slice, status, updated_at)"
        " SELECT ?, m.email, CRC32(m.email) % 64, 'queued', UTC_TIMESTAMP() FROM members m"
        " WHERE m.list_id = ? AND m.active = 1");
    enqueue.execute({_campaign, listId});
    MysqlStatement slices = db.prepare(
        "INSERT IGNORE INTO send_slices (campaign_id, slice)"
        " WITH RECURSIVE n (slice) AS (SELECT 0 UNION ALL SELECT slice + 1 FROM n WHERE slice < 63)"
        " SELECT ?, slice FROM n");
    slices.execute({_campaign});
    return true;
}

std::optional<std::string> CampaignQueue::findUnfinished(MysqlConnection& db, unsigned listId,
                                                         const std::string& messageDigest)
{
    MysqlStatement st = db.prepare("SELECT id FROM campaigns WHERE list_id = ? AND message_digest = ?"
                                   " AND finished_at IS NULL ORDER BY started_at DESC, id DESC LIMIT 1");
    st.execute({listId, messageDigest});
    if (!st.fetch())
        return std::nullopt;
    return st.text(0);
}

std::vector<std::string> CampaignQueue::claim(MysqlConnection& db, unsigned n, SliceCursor& cursor)
{
    // A slice that looked due may be emptied meanwhile (a retry not yet due, the
    // last rows claimed): give it back and try another, a few times.
    for (int attempt = 0; attempt < 4; ++attempt) {
        if (!cursor.slice && !takeSlice(db, cursor))
            return {};
        std::vector<std::string> emails = claimInSlice(db, n, *cursor.slice);
        if (!emails.empty())
            return emails;
        releaseSlice(db, cursor);
    }
    return {};
}

bool CampaignQueue::takeSlice(MysqlConnection& db, SliceCursor& cursor)
{
    // Free slices with due rows, and any this worker owns without knowing it (a
    // statement failed between taking a slice and the cursor hearing of it): a live
    // claimer's slice is read by nobody else, so a forgotten one would stall the
    // campaign until the process ends. "Has a due row" is a scalar subquery with
    // LIMIT 1, not EXISTS: MariaDB turns EXISTS into a semi-join that reads every
    // queued row of the campaign (thousands per call) instead of one per slice. Both
    // queries name the slice index: with fresh statistics the server may otherwise
    // walk the campaign's whole queue index for one slice's rows.
    MysqlStatement free = db.prepare(
        "SELECT sl.slice, sl.claimed_by, (sl.claimed_by = ? AND sl.worker = ?) IS TRUE FROM send_slices sl LEFT JOIN send_claimers c ON c.id = sl.claimed_by"
        " WHERE sl.campaign_id = ? AND (sl.claimed_by IS NULL OR c.id IS NULL OR c.ended_at IS NOT NULL"
        " OR c.lease_until < UTC_TIMESTAMP() OR (sl.claimed_by = ? AND sl.worker = ?))"
        " AND (SELECT 1 FROM send_log l FORCE INDEX (ix_send_log_slice) WHERE l.campaign_id = sl.campaign_id"
        " AND l.slice = sl.slice AND l.status = 'queued' AND (l.retry_at IS NULL OR l.retry_at <= UTC_TIMESTAMP())"
        " LIMIT 1) = 1 ORDER BY RAND() LIMIT 8");
    free.execute({_claimer, cursor.worker, _campaign, _claimer, cursor.worker});
    struct Candidate
    {
        unsigned slice;
        std::optional<std::string> owner;
        bool mine;  ///< this worker's already
    };
    std::vector<Candidate> candidates;
    while (free.fetch())
        candidates.push_back({static_cast<unsigned>(free.integer(0)),
                              free.isNull(1) ? std::nullopt : std::optional<std::string>(free.text(1)),
                              free.integer(2) == 1});
    for (const auto& [slice, owner, mine] : candidates) {
        if (mine) {
            cursor.slice = slice;
            return true;
        }
        // The dead owner's rows are settled before its slice changes hands, so that a
        // failure here leaves the slice as it was, for this or another worker to retry.
        if (owner)
            cursor.uncertainTakenOver += reclaimDeadClaimers(db, _campaign, _claimer).uncertain;
        // Only if nobody took it since: on Galera the loser of a race fails
        // certification here (1213), and the caller's retry picks another slice.
        MysqlStatement take = db.prepare(
            "UPDATE send_slices SET claimed_by = ?, worker = ?, claimed_at = UTC_TIMESTAMP()"
            " WHERE campaign_id = ? AND slice = ? AND claimed_by <=> ?");
        take.execute({_claimer, cursor.worker, _campaign, slice, owner});
        if (take.affectedRows() != 1)
            continue;
        cursor.slice = slice;
        return true;
    }
    return false;
}

std::vector<std::string> CampaignQueue::claimInSlice(MysqlConnection& db, unsigned n, unsigned slice)
{
    // Owning the slice is the claim: no other worker reads it, so the rows need no
    // mark of their own until their session starts (beginSubmitting). A worker that
    // dies before then leaves them 'queued', as if it had never read them.
    MysqlStatement select = db.prepare(
        "SELECT email FROM send_log FORCE INDEX (ix_send_log_slice) WHERE campaign_id = ? AND slice = ? AND status = 'queued'"
        " AND (retry_at IS NULL OR retry_at <= UTC_TIMESTAMP()) ORDER BY email LIMIT ?");
    select.execute({_campaign, slice, static_cast<std::int64_t>(n)});
    std::vector<std::string> emails;
    while (select.fetch())
        emails.push_back(select.text(0));
    return emails;
}

void CampaignQueue::releaseSlice(MysqlConnection& db, SliceCursor& cursor)
{
    if (!cursor.slice)
        return;
    MysqlStatement release = db.prepare("UPDATE send_slices SET claimed_by = NULL, worker = NULL"
                                        " WHERE campaign_id = ? AND slice = ? AND claimed_by = ?");
    release.execute({_campaign, *cursor.slice, _claimer});
    cursor.slice.reset();
}

std::vector<std::string> CampaignQueue::beginSubmitting(MysqlConnection& db, const std::vector<std::string>& emails,
                                                        const SliceCursor& cursor)
{
    if (emails.empty() || !cursor.slice)
        return {};
    std::vector<SqlValue> params{_claimer, _campaign, *cursor.slice, _campaign, *cursor.slice, _claimer, cursor.worker,
                                 _claimer};
    for (const std::string& e : emails)
        params.emplace_back(e);
    // The slice and the lease are checked in the statement that changes the rows: a
    // worker that lost its slice (its lease ran out and another took it over) marks
    // nothing, and the new owner, finding the rows 'submitting', reports them
    // uncertain instead of sending them again.
    MysqlStatement mark = db.prepare(
        "UPDATE send_log SET status = 'submitting', claimed_by = ?"
        " WHERE campaign_id = ? AND slice = ? AND status = 'queued'"
        " AND EXISTS (SELECT 1 FROM send_slices WHERE campaign_id = ? AND slice = ? AND claimed_by = ? AND worker = ?)"
        " AND EXISTS (SELECT 1 FROM send_claimers WHERE id = ? AND lease_until > UTC_TIMESTAMP() AND ended_at IS NULL)"
        " AND email IN (" + inList(emails.size()) + ")");
    mark.execute(params);
    if (mark.affectedRows() == emails.size())
        return emails;
    std::vector<SqlValue> again{_campaign, _claimer};
    for (const std::string& e : emails)
        again.emplace_back(e);
    MysqlStatement ours = db.prepare("SELECT email FROM send_log WHERE campaign_id = ? AND claimed_by = ?"
                                     " AND status = 'submitting' AND email IN (" + inList(emails.size()) + ")");
    ours.execute(again);
    std::vector<std::string> marked;
    while (ours.fetch())
        marked.push_back(ours.text(0));
    return marked;
}

std::optional<unsigned> CampaignQueue::secondsUntilNextDue(MysqlConnection& db)
{
    MysqlStatement st = db.prepare(
        "SELECT GREATEST(0, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), MIN(COALESCE(retry_at, UTC_TIMESTAMP()))))"
        " FROM send_log WHERE campaign_id = ? AND status = 'queued'");
    st.execute({_campaign});
    if (!st.fetch() || st.isNull(0))
        return std::nullopt;
    return static_cast<unsigned>(st.integer(0));
}

void CampaignQueue::prepareTracker(MysqlConnection& db, const std::vector<Settlement>& toSend,
                                   unsigned previousKeyDays)
{
    // A member mailed before under the same key has its row as it should be: the
    // statement would change nothing (on a list mailed again, that is every row).
    std::vector<const Settlement*> changed;
    for (const Settlement& s : toSend)
        if (!s.trackerCurrent)
            changed.push_back(&s);
    if (changed.empty())
        return;
    std::vector<SqlValue> params;
    for (const Settlement* row : changed) {
        const Settlement& s = *row;
        params.emplace_back(s.email);
        params.emplace_back(s.encodedFrom);
        params.emplace_back(s.previousEncodedFrom.empty() ? SqlValue() : SqlValue(s.previousEncodedFrom));
    }
    params.emplace_back(static_cast<std::int64_t>(previousKeyDays));
    // The assignments run left to right: the two Previous* columns read the old
    // EncodedFROM before it is replaced. A token is kept only when it is the one the
    // previous key gives this address (VALUES(PreviousEncodedFROM)), never an older one.
    MysqlStatement st = db.prepare(
        "INSERT INTO EmailAddressTracker (EmailAddress, EncodedFROM, PreviousEncodedFROM) VALUES " +
        sqlPlaceholders(changed.size(), 3) +
        " ON DUPLICATE KEY UPDATE"
        " PreviousEncodedUntil = IF(EncodedFROM <> VALUES(EncodedFROM) AND EncodedFROM = VALUES(PreviousEncodedFROM),"
        " UTC_TIMESTAMP() + INTERVAL ? DAY, PreviousEncodedUntil),"
        " PreviousEncodedFROM = IF(EncodedFROM <> VALUES(EncodedFROM) AND EncodedFROM = VALUES(PreviousEncodedFROM),"
        " EncodedFROM, PreviousEncodedFROM),"
        " EncodedFROM = VALUES(EncodedFROM)");
    st.execute(params);
}

void CampaignQueue::settle(MysqlConnection& db, const std::vector<Settlement>& settlements)
{
    if (settlements.empty())
        return;
    std::vector<SqlValue> finalParams, retryParams, releaseParams{_campaign, _claimer}, acceptedParams;
    std::vector<SqlValue> pausedParams{_campaign};
    std::vector<std::string> sent;  // settled accepted or rejected: what the report counters count
    std::size_t finalRows = 0, retryRows = 0, releaseRows = 0, acceptedRows = 0, pausedRows = 0;
    for (const Settlement& s : settlements) {
        std::string status;
        std::string detail;
        if (s.kind == Settlement::Kind::Suppressed) {
            status = "suppressed";
            detail = s.reason;
        } else if (s.kind == Settlement::Kind::Paused) {
            pausedParams.emplace_back(s.email);
            ++pausedRows;
            continue;
        } else if (s.kind == Settlement::Kind::Inactive) {
            status = "suppressed";
            detail = "inactive";
        } else {
            const SubmitResult& r = s.result;
            detail = r.code ? std::to_string(r.code) + " " + (r.enhanced.empty() ? "" : r.enhanced + " ") + r.text : r.text;
            switch (r.outcome) {
            case SubmitOutcome::Accepted:
                status = "accepted";
                acceptedParams.emplace_back(s.email);
                acceptedParams.emplace_back(s.encodedFrom);
                ++acceptedRows;
                break;
            case SubmitOutcome::Rejected: status = "rejected"; break;
            case SubmitOutcome::Uncertain: status = "uncertain"; break;
            case SubmitOutcome::Deferred:
                // Retried later in this run (or by any process of the campaign).
                retryParams.emplace_back(detail.substr(0, 255));
                retryParams.emplace_back(s.email);
                ++retryRows;
                continue;
            case SubmitOutcome::NotAttempted:
            case SubmitOutcome::Refused:
                releaseParams.emplace_back(s.email);
                ++releaseRows;
                continue;
            }
        }
        if (status == "accepted" || status == "rejected")
            sent.push_back(s.email);
        finalParams.emplace_back(_campaign);
        finalParams.emplace_back(s.email);
        finalParams.emplace_back(status);
        finalParams.emplace_back(detail.substr(0, 255));
        ++finalRows;
    }

    Transaction tx(db);
    if (finalRows) {
        MysqlStatement st = db.prepare(
            "INSERT INTO send_log (campaign_id, email, status, detail, updated_at) VALUES " +
            sqlPlaceholders(finalRows, 4, ",UTC_TIMESTAMP()") +
            " ON DUPLICATE KEY UPDATE status = VALUES(status), detail = VALUES(detail), updated_at = VALUES(updated_at),"
            " attempts = attempts + IF(VALUES(status) IN ('accepted','rejected','uncertain'), 1, 0)");
        st.execute(finalParams);
    }
    for (std::size_t i = 0; i < retryRows; ++i) {
        // As Postfix's queue: the wait doubles from send.minimalBackoff up to
        // send.maximalBackoff; past send.queueLifetime since the first 4xx the row
        // ends 'deferred'. The assignments run left to right, each reading the ones
        // before it.
        MysqlStatement st = db.prepare(
            "UPDATE send_log SET attempts = attempts + 1, detail = ?, updated_at = UTC_TIMESTAMP(),"
            " first_deferred_at = IFNULL(first_deferred_at, UTC_TIMESTAMP()),"
            " status = IF(first_deferred_at <= UTC_TIMESTAMP() - INTERVAL ? SECOND, 'deferred', 'queued'),"
            " retry_at = IF(status = 'queued', UTC_TIMESTAMP() + INTERVAL LEAST(?, ? << LEAST(attempts - 1, 20)) SECOND, NULL),"
            " claimed_by = NULL WHERE campaign_id = ? AND email = ?");
        st.execute({retryParams[2 * i], _retries.queueLifetimeSeconds, _retries.maximalBackoffSeconds,
                    _retries.minimalBackoffSeconds, _campaign, retryParams[2 * i + 1]});
    }
    if (releaseRows) {
        MysqlStatement st = db.prepare("UPDATE send_log SET status = 'queued', claimed_by = NULL WHERE campaign_id = ?"
                                       " AND claimed_by = ? AND status IN ('pending','submitting') AND email IN (" +
                                       inList(releaseRows) + ")");
        st.execute(releaseParams);
    }
    if (pausedRows) {
        // Held back for a domain incident: queued again, due once the incident may be over.
        MysqlStatement st = db.prepare(
            "UPDATE send_log SET status = 'queued', claimed_by = NULL, detail = 'held back: domain incident',"
            " retry_at = UTC_TIMESTAMP() + INTERVAL 15 MINUTE WHERE campaign_id = ? AND email IN (" +
            inList(pausedRows) + ")");
        st.execute(pausedParams);
    }
    if (acceptedRows) {
        // Each accepted message extends the streak since the last bounce; a long
        // enough streak starts the soft count afresh (policy.softResetStreak).
        // Both assignments read the old SentSinceBounce.
        const std::int64_t streak = _softResetStreak ? static_cast<std::int64_t>(_softResetStreak) : 1000000000;
        acceptedParams.emplace_back(streak);
        acceptedParams.emplace_back(streak);
        MysqlStatement st = db.prepare(
            "INSERT INTO EmailAddressTracker (EmailAddress, EncodedFROM, MsgCount, FirstEmail, LastEmail, SentSinceBounce) VALUES " +
            sqlPlaceholders(acceptedRows, 2, ",1,UTC_TIMESTAMP(),UTC_TIMESTAMP(),1") +
            " ON DUPLICATE KEY UPDATE MsgCount = MsgCount + 1, FirstEmail = IFNULL(FirstEmail, VALUES(FirstEmail)),"
            " LastEmail = VALUES(LastEmail),"
            " SoftCountsFrom = IF(SentSinceBounce + 1 >= ?, UTC_TIMESTAMP(), SoftCountsFrom),"
            " SentSinceBounce = IF(SentSinceBounce + 1 >= ?, 0, SentSinceBounce + 1)");
        st.execute(acceptedParams);
    }
    // Counted last: today's counter rows are shared by every sender and bouncer, so
    // they are locked only until the commit. A row becomes accepted or rejected only
    // here, once, so each send counts once.
    countSends(db, _campaign, sent);
    tx.commit();
}

QueueCounts CampaignQueue::counts(MysqlConnection& db)
{
    MysqlStatement st = db.prepare("SELECT status, COUNT(*) FROM send_log WHERE campaign_id = ? GROUP BY status");
    st.execute({_campaign});
    QueueCounts c;
    while (st.fetch()) {
        const std::string status = st.text(0);
        const auto n = static_cast<std::uint64_t>(st.integer(1));
        c.total += n;
        if (status == "queued") c.queued = n;
        else if (status == "pending") c.pending = n;
        else if (status == "submitting") c.submitting = n;
        else if (status == "accepted") c.accepted = n;
        else if (status == "rejected") c.rejected = n;
        else if (status == "deferred") c.deferred = n;
        else if (status == "suppressed") c.suppressed = n;
        else if (status == "uncertain") c.uncertain = n;
    }
    return c;
}

void CampaignQueue::close(MysqlConnection& db)
{
    MysqlStatement st = db.prepare("UPDATE campaigns SET finished_at = UTC_TIMESTAMP() WHERE id = ?"
                                   " AND NOT EXISTS (SELECT 1 FROM send_log WHERE campaign_id = ? AND status IN ('queued','pending','submitting'))");
    st.execute({_campaign, _campaign});
}

} // namespace verpmail
