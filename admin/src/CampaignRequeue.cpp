// campaign requeue (CampaignCommands.h): rows back to 'queued', audited, in batches.
#include "CampaignCommands.h"

#include "AddressCommands.h"
#include "AdminApp.h"
#include "Audit.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/ReportCounters.h"
#include "verpmail/util/Printable.h"

#include <map>
#include <stdexcept>

namespace verpmail {
namespace {

constexpr std::int64_t kBatchRows = 10000;

struct Progress
{
    std::map<std::string, std::uint64_t> byState;
    std::uint64_t total = 0;
    std::uint64_t auditId = 0;
};

std::string joined(const std::vector<std::string>& words)
{
    std::string out;
    for (const std::string& w : words)
        out += (out.empty() ? "" : ",") + w;
    return out;
}

// "status=deferred requeued=3 deferred=3": the audit detail and the printed line.
std::string describe(const RequeueRequest& r, const Progress& p)
{
    std::string out = "status=" + joined(r.states);
    if (!r.address.empty())
        out += " address=" + r.address;
    out += " requeued=" + std::to_string(p.total);
    for (const std::string& state : r.states) {
        const auto i = p.byState.find(state);
        out += " " + state + "=" + std::to_string(i == p.byState.end() ? 0 : i->second);
    }
    return out;
}

std::string placeholders(std::size_t n)
{
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += i ? ",?" : "?";
    return out;
}

// The rows of one state from `after` on, in one transaction: locked, counted out of
// the report counters if they were counted (rejected), set queued, audited. Returns
// how many (0: none left).
std::size_t requeueBatch(MysqlConnection& db, const RequeueRequest& r, const std::string& state, std::string& after,
                         Progress& progress)
{
    Transaction tx(db);
    // By (campaign, status, email), the order of ix_send_log_queue, from where the
    // last batch ended: a requeued 'queued' row stays in its state and must not be
    // picked again.
    std::vector<SqlValue> params{r.campaign, state, after};
    if (!r.address.empty())
        params.emplace_back(r.address);
    params.emplace_back(kBatchRows);
    MysqlStatement pick = db.prepare(std::string("SELECT email FROM send_log WHERE campaign_id = ? AND status = ?"
                                                 " AND email > ?") + (r.address.empty() ? "" : " AND email = ?") +
                                     " ORDER BY email LIMIT ? FOR UPDATE");
    pick.execute(params);
    std::vector<std::string> emails;
    while (pick.fetch())
        emails.push_back(pick.text(0));
    if (emails.empty())
        return 0;
    after = emails.back();
    // Read while the rows still count (counted_sends sees only accepted and rejected).
    const std::vector<SendGroup> counted = state == "rejected" ? countedSends(db, r.campaign, emails)
                                                               : std::vector<SendGroup>();
    std::vector<SqlValue> update{r.campaign, state};
    update.insert(update.end(), emails.begin(), emails.end());
    // A queued row keeps first_deferred_at (its retries go on, due now); any other
    // starts a new send.queueLifetime. attempts stays: it is the row's history.
    MysqlStatement requeue = db.prepare(
        std::string("UPDATE send_log SET status = 'queued', claimed_by = NULL, retry_at = NULL,") +
        (state == "queued" ? "" : " first_deferred_at = NULL,") +
        " updated_at = UTC_TIMESTAMP() WHERE campaign_id = ? AND status = ? AND email IN (" +
        placeholders(emails.size()) + ")");
    requeue.execute(update);
    if (requeue.affectedRows() != emails.size() && state != "queued")
        throw std::runtime_error("campaign requeue: locked " + std::to_string(emails.size()) + " rows but changed " +
                                 std::to_string(requeue.affectedRows()));
    if (progress.total == 0)
        db.prepare("UPDATE campaigns SET finished_at = NULL WHERE id = ?").execute({r.campaign});
    progress.total += emails.size();
    progress.byState[state] += emails.size();
    if (progress.auditId == 0)
        progress.auditId = writeAudit(db, "campaign requeue", r.campaign, describe(r, progress));
    else
        updateAudit(db, progress.auditId, describe(r, progress));
    // Last, as every writer of the counters does (ReportCounters.h: lock order).
    uncountSends(db, counted);
    tx.commit();
    return emails.size();
}

Progress dryRun(MysqlConnection& db, const RequeueRequest& r)
{
    Progress p;
    for (const std::string& state : r.states) {
        std::vector<SqlValue> params{r.campaign, state};
        if (!r.address.empty())
            params.emplace_back(r.address);
        MysqlStatement st = db.prepare(std::string("SELECT COUNT(*) FROM send_log WHERE campaign_id = ?"
                                                   " AND status = ?") + (r.address.empty() ? "" : " AND email = ?"));
        st.execute(params);
        st.fetch();
        p.byState[state] = static_cast<std::uint64_t>(st.integer(0));
        p.total += p.byState[state];
    }
    return p;
}

} // namespace

std::vector<std::string> requeueStates(const std::string& text)
{
    std::vector<bool> named(kSendStates.size(), false);
    std::string rest = text.empty() ? "deferred" : text;
    for (;;) {
        const std::size_t comma = rest.find(',');
        const std::string word = rest.substr(0, comma);
        if (word == "pending" || word == "submitting")
            throw AdminError(ExitStatus::Usage,
                             "--status " + word + ": pending and submitting rows are held by a sender's claim; "
                             "when that sender is gone, the next verpmail-send of the campaign takes them over "
                             "itself (pending rows go back to the queue, submitting ones become uncertain)");
        if (word == "accepted")
            throw AdminError(ExitStatus::Usage, "--status accepted: the submission server took these messages; "
                                                "requeueing them would mail those members again");
        bool known = false;
        for (std::size_t i = 0; i < kSendStates.size(); ++i)
            if (word == kSendStates[i])
                known = named[i] = true;
        if (!known)
            throw AdminError(ExitStatus::Usage, "--status must name deferred, uncertain, rejected, suppressed or "
                                                "queued (comma-separated), not \"" + printable(word, 20) + "\"");
        if (comma == std::string::npos)
            break;
        rest = rest.substr(comma + 1);
    }
    std::vector<std::string> states;
    for (std::size_t i = 0; i < kSendStates.size(); ++i)
        if (named[i])
            states.push_back(kSendStates[i]);
    return states;
}

ExitStatus campaignRequeue(MysqlConnection& db, const RequeueRequest& request, std::ostream& out, std::ostream& err)
{
    const Campaign campaign = requireCampaign(db, request.campaign);
    RequeueRequest r = request;
    std::string was;
    if (!r.address.empty()) {
        r.address = normalizedAddress(r.address);
        MysqlStatement st = db.prepare("SELECT status FROM send_log WHERE campaign_id = ? AND email = ?");
        st.execute({r.campaign, r.address});
        if (!st.fetch())
            throw AdminError(ExitStatus::DataErr, r.address + " is not in campaign " + campaign.id);
        was = st.text(0);
    }
    Progress progress;
    if (r.dryRun) {
        progress = dryRun(db, r);
    } else {
        for (const std::string& state : r.states) {
            std::string after;
            while (requeueBatch(db, r, state, after, progress) == static_cast<std::size_t>(kBatchRows)) {
            }
        }
        if (progress.auditId == 0)
            writeAudit(db, "campaign requeue", r.campaign, describe(r, progress));
    }
    out << "campaign requeue" << (r.dryRun ? " dry-run" : "") << " campaign=" << campaign.id << " "
        << describe(r, progress) << (was.empty() ? "" : " was=" + was) << "\n";
    const std::uint64_t uncertain = progress.byState["uncertain"];
    if (uncertain > 0)
        err << "verpmail-admin: warning: " << uncertain << " uncertain rows " << (r.dryRun ? "would be" : "were")
            << " requeued: the submission server may have accepted their messages before the sender died, so those "
               "members may get the message twice\n";
    if (progress.total > 0 && !r.dryRun)
        out << "the next run sends them: verpmail-send --list " << campaign.list << " --message "
            << (campaign.messageFile.empty() ? "FILE" : campaign.messageFile) << " --campaign " << campaign.id << "\n";
    return ExitStatus::Ok;
}

} // namespace verpmail
