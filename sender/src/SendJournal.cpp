#include "SendJournal.h"

#include "verpmail/db/MysqlConnection.h"

namespace verpmail {
namespace {

// "(?,?,...),(?,?,...)": prepared multi-row statements, one round trip per batch.
std::string placeholders(std::size_t rows, std::size_t columns, const char* extra = "")
{
    std::string group = "(";
    for (std::size_t c = 0; c < columns; ++c)
        group += c ? ",?" : "?";
    group += extra;
    group += ")";
    std::string out;
    for (std::size_t r = 0; r < rows; ++r) {
        if (r)
            out += ",";
        out += group;
    }
    return out;
}

} // namespace

const char* outcomeName(SubmitOutcome outcome)
{
    switch (outcome) {
    case SubmitOutcome::Accepted: return "accepted";
    case SubmitOutcome::Rejected: return "rejected";
    case SubmitOutcome::Deferred: return "deferred";
    case SubmitOutcome::Uncertain: return "uncertain";
    case SubmitOutcome::NotAttempted: break;
    }
    return "pending";
}

bool SendJournal::openCampaign(unsigned listId, const std::string& messageFile)
{
    MysqlStatement insert = _db.prepare(
        "INSERT IGNORE INTO campaigns (id, list_id, message_file, started_at) VALUES (?, ?, ?, UTC_TIMESTAMP())");
    insert.execute({_campaign, listId, messageFile});
    MysqlStatement check = _db.prepare("SELECT list_id FROM campaigns WHERE id = ?");
    check.execute({_campaign});
    return check.fetch() && static_cast<unsigned>(check.integer(0)) == listId;
}

void SendJournal::closeCampaign()
{
    MysqlStatement st = _db.prepare("UPDATE campaigns SET finished_at = UTC_TIMESTAMP() WHERE id = ?");
    st.execute({_campaign});
}

std::vector<Claim> SendJournal::claim(const std::vector<Claim>& members)
{
    if (members.empty())
        return {};
    Transaction tx(_db);
    std::vector<SqlValue> trackerParams;
    for (const Claim& c : members) {
        trackerParams.emplace_back(c.email);
        trackerParams.emplace_back(c.encodedFrom);
    }
    // The EncodedFROM must be in place before the first return can arrive.
    MysqlStatement tracker = _db.prepare("INSERT INTO EmailAddressTracker (EmailAddress, EncodedFROM) VALUES " +
                                         placeholders(members.size(), 2) +
                                         " ON DUPLICATE KEY UPDATE EncodedFROM = VALUES(EncodedFROM)");
    tracker.execute(trackerParams);

    // Lock the rows this campaign already has for these members, then claim the rest.
    std::vector<SqlValue> lookup{_campaign};
    std::string in;
    for (const Claim& c : members) {
        lookup.emplace_back(c.email);
        in += in.empty() ? "?" : ",?";
    }
    MysqlStatement existing =
        _db.prepare("SELECT email FROM send_log WHERE campaign_id = ? AND email IN (" + in + ") FOR UPDATE");
    existing.execute(lookup);
    std::vector<std::string> taken;
    while (existing.fetch())
        taken.push_back(existing.text(0));

    std::vector<Claim> claimed;
    std::vector<SqlValue> claimParams;
    for (const Claim& c : members) {
        bool isTaken = false;
        for (const std::string& t : taken)
            if (t == c.email)
                isTaken = true;
        if (isTaken)
            continue;
        claimed.push_back(c);
        claimParams.emplace_back(_campaign);
        claimParams.emplace_back(c.email);
    }
    if (!claimed.empty()) {
        MysqlStatement insert = _db.prepare("INSERT INTO send_log (campaign_id, email, status, updated_at) VALUES " +
                                            placeholders(claimed.size(), 2, ",'pending',UTC_TIMESTAMP()"));
        insert.execute(claimParams);
    }
    tx.commit();
    return claimed;
}

void SendJournal::settle(const std::vector<Claim>& claims, const std::vector<SubmitResult>& results)
{
    Transaction tx(_db);
    std::vector<SqlValue> logParams;
    std::vector<SqlValue> acceptedParams;
    std::vector<SqlValue> releaseParams{_campaign};
    std::size_t logRows = 0, acceptedRows = 0;
    std::string release;
    for (std::size_t i = 0; i < claims.size() && i < results.size(); ++i) {
        const SubmitResult& r = results[i];
        if (r.outcome == SubmitOutcome::NotAttempted) {
            releaseParams.emplace_back(claims[i].email);
            release += release.empty() ? "?" : ",?";
            continue;
        }
        logParams.emplace_back(_campaign);
        logParams.emplace_back(claims[i].email);
        logParams.emplace_back(outcomeName(r.outcome));
        logParams.emplace_back(r.code ? std::to_string(r.code) + " " + r.text : r.text);
        ++logRows;
        if (r.outcome == SubmitOutcome::Accepted) {
            acceptedParams.emplace_back(claims[i].email);
            acceptedParams.emplace_back(claims[i].encodedFrom);
            ++acceptedRows;
        }
    }
    if (logRows) {
        MysqlStatement log = _db.prepare(
            "INSERT INTO send_log (campaign_id, email, status, detail, updated_at) VALUES " +
            placeholders(logRows, 4, ",UTC_TIMESTAMP()") +
            " ON DUPLICATE KEY UPDATE status = VALUES(status), detail = VALUES(detail), updated_at = VALUES(updated_at)");
        log.execute(logParams);
    }
    if (acceptedRows) {
        // A member who is mailed again (IgnoreBounces, a reset) is no longer suppressed.
        MysqlStatement tracker = _db.prepare(
            "INSERT INTO EmailAddressTracker (EmailAddress, EncodedFROM, MsgCount, FirstEmail, LastEmail) VALUES " +
            placeholders(acceptedRows, 2, ",1,UTC_TIMESTAMP(),UTC_TIMESTAMP()") +
            " ON DUPLICATE KEY UPDATE MsgCount = MsgCount + 1, FirstEmail = IFNULL(FirstEmail, VALUES(FirstEmail)),"
            " LastEmail = VALUES(LastEmail), SuppressedAt = NULL, SuppressedReason = NULL");
        tracker.execute(acceptedParams);
    }
    if (!release.empty()) {
        MysqlStatement del = _db.prepare("DELETE FROM send_log WHERE campaign_id = ? AND status = 'pending' AND email IN (" +
                                         release + ")");
        del.execute(releaseParams);
    }
    tx.commit();
}

void SendJournal::suppress(const std::vector<Suppression>& members)
{
    if (members.empty())
        return;
    Transaction tx(_db);
    std::vector<SqlValue> logParams;
    std::vector<SqlValue> trackerParams;
    for (const Suppression& s : members) {
        logParams.emplace_back(_campaign);
        logParams.emplace_back(s.email);
        logParams.emplace_back(s.reason);
        trackerParams.emplace_back(s.email);
        trackerParams.emplace_back(s.encodedFrom);
        trackerParams.emplace_back(s.reason);
    }
    MysqlStatement logInsert = _db.prepare(
        "INSERT IGNORE INTO send_log (campaign_id, email, detail, status, updated_at) VALUES " +
        placeholders(members.size(), 3, ",'suppressed',UTC_TIMESTAMP()"));
    logInsert.execute(logParams);
    // SuppressedAt keeps the time of the first decision while the reason stays the same.
    MysqlStatement tracker = _db.prepare(
        "INSERT INTO EmailAddressTracker (EmailAddress, EncodedFROM, SuppressedReason, SuppressedAt) VALUES " +
        placeholders(members.size(), 3, ",UTC_TIMESTAMP()") +
        " ON DUPLICATE KEY UPDATE SuppressedAt = IF(SuppressedReason <=> VALUES(SuppressedReason), SuppressedAt,"
        " VALUES(SuppressedAt)), SuppressedReason = VALUES(SuppressedReason)");
    tracker.execute(trackerParams);
    tx.commit();
}

} // namespace verpmail
