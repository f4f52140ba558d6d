#include "CampaignCommands.h"

#include "AdminApp.h"
#include "MemberCommands.h"
#include "verpmail/util/TextTable.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <Poco/String.h>

#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

namespace verpmail {
namespace {

constexpr std::int64_t kRecentFailures = 10;
constexpr const char* kTime = "'%Y-%m-%d %H:%i:%s'";

using StateCounts = std::map<std::string, std::int64_t>;

StateCounts stateCounts(MysqlConnection& db, const std::string& campaign)
{
    MysqlStatement st = db.prepare("SELECT status, COUNT(*) FROM send_log WHERE campaign_id = ? GROUP BY status");
    st.execute({campaign});
    StateCounts counts;
    while (st.fetch())
        counts[st.text(0)] = st.integer(1);
    return counts;
}

std::int64_t total(const StateCounts& counts)
{
    std::int64_t n = 0;
    for (const auto& [state, count] : counts)
        n += count;
    return n;
}

// Every state, zeros included, so a reader never has to guess what a missing key means.
void writeStates(JsonWriter& j, const StateCounts& counts)
{
    j.beginObject();
    for (const char* state : kSendStates) {
        const auto i = counts.find(state);
        j.key(state).value(i == counts.end() ? std::int64_t{0} : i->second);
    }
    j.endObject();
}

std::string count(const StateCounts& counts, const char* state)
{
    const auto i = counts.find(state);
    return std::to_string(i == counts.end() ? 0 : i->second);
}

// "key          value": the text form's key/value lines.
void line(std::ostream& out, const std::string& key, const std::string& value)
{
    out << std::left << std::setw(14) << key << value << "\n";
}

} // namespace

Campaign requireCampaign(MysqlConnection& db, const std::string& id)
{
    MysqlStatement st = db.prepare(std::string("SELECT c.id, l.name, COALESCE(c.message_file, ''),"
                                               " DATE_FORMAT(c.started_at, ") + kTime +
                                   "), DATE_FORMAT(c.finished_at, " + kTime +
                                   ") FROM campaigns c JOIN lists l ON l.id = c.list_id WHERE c.id = ?");
    st.execute({id});
    if (!st.fetch())
        throw AdminError(ExitStatus::DataErr, "unknown campaign \"" + printable(id, 64) + "\"");
    return {st.text(0), st.text(1), st.text(2), st.text(3), st.optionalText(4)};
}

ExitStatus campaignList(MysqlConnection& db, const std::optional<std::string>& list, bool json, std::ostream& out)
{
    // Two statements whatever the number of campaigns: the campaigns, then every
    // campaign's rows per state (ix_send_log_queue is ordered by campaign and state).
    std::string where;
    std::vector<SqlValue> params;
    if (list) {
        where = " WHERE c.list_id = ?";
        params.emplace_back(requireList(db, *list).id);
    }
    Transaction snapshot(db);  // read only, as in campaignStatus
    MysqlStatement campaigns = db.prepare(std::string("SELECT c.id, l.name, DATE_FORMAT(c.started_at, ") + kTime +
                                          "), DATE_FORMAT(c.finished_at, " + kTime +
                                          ") FROM campaigns c JOIN lists l ON l.id = c.list_id" + where +
                                          " ORDER BY c.started_at DESC, c.id");
    campaigns.execute(params);
    std::vector<Campaign> rows;
    while (campaigns.fetch())
        rows.push_back({campaigns.text(0), campaigns.text(1), "", campaigns.text(2), campaigns.optionalText(3)});
    MysqlStatement states = db.prepare("SELECT s.campaign_id, s.status, COUNT(*) FROM send_log s"
                                       " JOIN campaigns c ON c.id = s.campaign_id" + where +
                                       " GROUP BY s.campaign_id, s.status");
    states.execute(params);
    std::map<std::string, StateCounts> counts;
    while (states.fetch())
        counts[states.text(0)][states.text(1)] = states.integer(2);

    if (json) {
        JsonWriter j;
        j.beginArray();
        for (const Campaign& c : rows) {
            j.beginObject().key("campaign").value(c.id).key("list").value(c.list).key("started_at").value(c.startedAt);
            j.key("finished_at");
            c.finishedAt ? j.value(*c.finishedAt) : j.null();
            j.key("members").value(total(counts[c.id])).key("states");
            writeStates(j, counts[c.id]);
            j.endObject();
        }
        j.endArray();
        out << j.str() << "\n";
        return ExitStatus::Ok;
    }
    if (rows.empty()) {
        out << "no campaigns" << (list ? " of list " + *list : std::string()) << "\n";
        return ExitStatus::Ok;
    }
    std::vector<std::string> header{"CAMPAIGN", "LIST", "STARTED", "FINISHED", "MEMBERS"};
    for (const char* state : kSendStates)
        header.push_back(Poco::toUpper(std::string(state)));
    TextTable table(header);
    for (const Campaign& c : rows) {
        std::vector<std::string> row{c.id, c.list, c.startedAt, c.finishedAt.value_or("unfinished"),
                                     std::to_string(total(counts[c.id]))};
        for (const char* state : kSendStates)
            row.push_back(count(counts[c.id], state));
        table.add(std::move(row));
    }
    out << table.render() << "times are UTC\n";
    return ExitStatus::Ok;
}

namespace {

struct RetryInfo
{
    std::optional<std::string> nextAt;  ///< MIN(retry_at) of the queued rows
    std::int64_t seconds = 0;           ///< from now to nextAt (negative: overdue)
    std::int64_t waiting = 0;           ///< queued rows whose retry time is still to come
    std::int64_t due = 0;               ///< queued rows any sender may claim now
};

RetryInfo retryInfo(MysqlConnection& db, const std::string& campaign)
{
    MysqlStatement st = db.prepare(std::string("SELECT DATE_FORMAT(MIN(retry_at), ") + kTime +
                                   "), TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), MIN(retry_at)),"
                                   " COALESCE(SUM(retry_at > UTC_TIMESTAMP()), 0), COUNT(*)"
                                   " FROM send_log WHERE campaign_id = ? AND status = 'queued'");
    st.execute({campaign});
    st.fetch();
    return {st.optionalText(0), st.integer(1), st.integer(2), st.integer(3) - st.integer(2)};
}

struct Claimer
{
    std::string id, host;
    std::int64_t pid;
    std::string startedAt, leaseUntil;
    bool expired;
};

std::vector<Claimer> liveClaimers(MysqlConnection& db, const std::string& campaign)
{
    MysqlStatement st = db.prepare(std::string("SELECT id, host, pid, DATE_FORMAT(started_at, ") + kTime +
                                   "), DATE_FORMAT(lease_until, " + kTime + "), lease_until <= UTC_TIMESTAMP()"
                                   " FROM send_claimers WHERE campaign_id = ? AND ended_at IS NULL"
                                   " ORDER BY started_at, id");
    st.execute({campaign});
    std::vector<Claimer> out;
    while (st.fetch())
        out.push_back({st.text(0), st.text(1), st.integer(2), st.text(3), st.text(4), st.integer(5) != 0});
    return out;
}

struct Failure
{
    std::string address, state;
    std::int64_t attempts;
    std::string updatedAt, detail;
};

std::vector<Failure> recentFailures(MysqlConnection& db, const std::string& campaign)
{
    MysqlStatement st = db.prepare(std::string("SELECT email, status, attempts, DATE_FORMAT(updated_at, ") + kTime +
                                   "), COALESCE(detail, '') FROM send_log WHERE campaign_id = ?"
                                   " AND status IN ('uncertain', 'deferred') ORDER BY updated_at DESC, email LIMIT ?");
    st.execute({campaign, kRecentFailures});
    std::vector<Failure> out;
    while (st.fetch())
        out.push_back({st.text(0), st.text(1), st.integer(2), st.text(3), st.text(4)});
    return out;
}

void statusJson(const Campaign& c, const StateCounts& counts, const RetryInfo& retry,
                const std::vector<Claimer>& claimers, const std::vector<Failure>& failures, std::ostream& out)
{
    JsonWriter j;
    j.beginObject().key("campaign").value(c.id).key("list").value(c.list).key("message_file").value(c.messageFile);
    j.key("started_at").value(c.startedAt).key("finished_at");
    c.finishedAt ? j.value(*c.finishedAt) : j.null();
    j.key("members").value(total(counts)).key("states");
    writeStates(j, counts);
    j.key("retry").beginObject().key("next_at");
    retry.nextAt ? j.value(*retry.nextAt) : j.null();
    j.key("seconds");
    retry.nextAt ? j.value(retry.seconds) : j.null();
    j.key("waiting").value(retry.waiting).key("due").value(retry.due).endObject();
    j.key("claimers").beginArray();
    for (const Claimer& k : claimers)
        j.beginObject().key("id").value(k.id).key("host").value(k.host).key("pid").value(k.pid)
            .key("started_at").value(k.startedAt).key("lease_until").value(k.leaseUntil)
            .key("expired").value(k.expired).endObject();
    j.endArray().key("recent_failures").beginArray();
    for (const Failure& f : failures)
        j.beginObject().key("address").value(f.address).key("status").value(f.state)
            .key("attempts").value(f.attempts).key("updated_at").value(f.updatedAt)
            .key("detail").value(f.detail).endObject();
    j.endArray().endObject();
    out << j.str() << "\n";
}

void statusText(const Campaign& c, const StateCounts& counts, const RetryInfo& retry,
                const std::vector<Claimer>& claimers, const std::vector<Failure>& failures, std::ostream& out)
{
    line(out, "campaign", printable(c.id));
    line(out, "list", printable(c.list));
    line(out, "message_file", printable(c.messageFile));
    line(out, "started_at", c.startedAt + " UTC");
    line(out, "finished_at", c.finishedAt ? *c.finishedAt + " UTC" : "unfinished");
    line(out, "members", std::to_string(total(counts)));
    for (const char* state : kSendStates)
        line(out, state, count(counts, state));
    if (!retry.nextAt)
        line(out, "next_retry", retry.due == 0 ? std::string("none: no row is queued")
                                               : "none: every queued row (" + std::to_string(retry.due) +
                                                     ") is due now");
    else
        line(out, "next_retry", *retry.nextAt + " UTC (" +
                                    (retry.seconds > 0 ? "in " + std::to_string(retry.seconds) + " s" : "due") + "): " +
                                    std::to_string(retry.waiting) + " rows wait for a retry, " +
                                    std::to_string(retry.due) + " are due now");
    if (claimers.empty()) {
        line(out, "claimers", "none live");
    } else {
        line(out, "claimers", std::to_string(claimers.size()) + " live");
        TextTable t({"  ID", "HOST", "PID", "STARTED", "LEASE_UNTIL", "LEASE"});
        for (const Claimer& k : claimers)
            t.add({"  " + k.id, k.host, std::to_string(k.pid), k.startedAt, k.leaseUntil,
                   k.expired ? "run out (any sender takes its rows over)" : "held"});
        out << t.render();
    }
    if (failures.empty()) {
        line(out, "failures", "no uncertain or deferred rows");
    } else {
        line(out, "failures", "uncertain or deferred, newest first (at most " + std::to_string(kRecentFailures) + ")");
        TextTable t({"  ADDRESS", "STATUS", "ATTEMPTS", "UPDATED"});
        for (const Failure& f : failures)
            t.add({"  " + f.address, f.state, std::to_string(f.attempts), f.updatedAt});
        // The detail on a line of its own: the server's reply, whole (TextTable cuts at 60).
        std::istringstream rows(t.render());
        std::string row;
        std::getline(rows, row);
        out << row << "\n";
        for (const Failure& f : failures) {
            std::getline(rows, row);
            out << row << "\n      " << printable(f.detail, 255) << "\n";
        }
    }
    out << "times are UTC\n";
}

} // namespace

ExitStatus campaignStatus(MysqlConnection& db, const std::string& id, bool json, std::ostream& out)
{
    // One snapshot (InnoDB's consistent read), so the figures agree with each other
    // while senders work the campaign. Read only: the destructor rolls back.
    Transaction snapshot(db);
    const Campaign campaign = requireCampaign(db, id);
    const StateCounts counts = stateCounts(db, id);
    const RetryInfo retry = retryInfo(db, id);
    const std::vector<Claimer> claimers = liveClaimers(db, id);
    const std::vector<Failure> failures = recentFailures(db, id);
    if (json)
        statusJson(campaign, counts, retry, claimers, failures, out);
    else
        statusText(campaign, counts, retry, claimers, failures, out);
    return ExitStatus::Ok;
}

ExitStatus AdminApp::campaign(const std::vector<std::string>& operands)
{
    const std::string sub = operands.empty() ? "" : operands[0];
    auto usage = [](const char* synopsis) {
        return AdminError(ExitStatus::Usage, std::string("usage: verpmail-admin ") + synopsis);
    };
    if (sub == "list") {
        if (operands.size() > 2)
            throw usage("campaign list [LIST] [--format text|json]");
        allowOptions("campaign list", {"format"});
        const bool json = format({"text", "json"}, "text") == "json";
        MysqlConnection db = connect();
        return campaignList(db, operands.size() == 2 ? std::optional<std::string>(operands[1]) : std::nullopt, json,
                            std::cout);
    }
    if (sub == "status") {
        if (operands.size() != 2)
            throw usage("campaign status ID [--format text|json]");
        allowOptions("campaign status", {"format"});
        const bool json = format({"text", "json"}, "text") == "json";
        MysqlConnection db = connect();
        return campaignStatus(db, operands[1], json, std::cout);
    }
    if (sub == "requeue") {
        if (operands.size() != 2)
            throw usage("campaign requeue ID [--status STATE[,STATE]...] [--address ADDRESS] [--dry-run]");
        allowOptions("campaign requeue", {"status", "address", "dry-run"});
        const RequeueRequest request{operands[1], requeueStates(_status), _address, _dryRun};
        MysqlConnection db = connect();
        return campaignRequeue(db, request, std::cout, std::cerr);
    }
    throw usage("campaign list|status|requeue ... (see --help)");
}

const char* campaignHelp()
{
    return "  campaign list [LIST] [--format text|json]\n"
           "      Every campaign (of LIST), newest first: id, list, started, finished (or\n"
           "      \"unfinished\"), members (its send_log rows) and the rows in each state.\n"
           "  campaign status ID [--format text|json]\n"
           "      One campaign: its list, message file, started and finished; the rows in\n"
           "      each send_log state, zeros included:\n"
           "        queued      waiting for a sender, or for the retry time of a 4xx\n"
           "        pending     claimed by a sender, its SMTP session not yet started\n"
           "        submitting  in a sender's SMTP session\n"
           "        accepted    taken by the submission server\n"
           "        rejected    refused at RCPT (5xx), recorded as a bounce\n"
           "        deferred    answered 4xx until send.queueLifetime ran out\n"
           "        suppressed  not sent: the policy, or an inactive membership\n"
           "        uncertain   its sender died in the SMTP session: the server may have\n"
           "                    the message, so it is never resent by itself\n"
           "      the next retry (the earliest retry time of the queued rows, how many\n"
           "      rows wait for a retry time and how many are due now), the live claimers\n"
           "      (send_claimers not ended: id, host, pid, start, lease end, and whether\n"
           "      the lease has run out, when any sender of the campaign takes its rows\n"
           "      over), and the last 10 uncertain or deferred rows with the server's\n"
           "      reply. Times are UTC.\n"
           "  campaign requeue ID [--status STATE[,STATE]...] [--address ADDRESS] [--dry-run]\n"
           "      Put rows of the campaign back in the queue: 'queued', due now, their\n"
           "      claim and retry time cleared, attempts kept, a new send.queueLifetime;\n"
           "      the next verpmail-send --campaign ID (or one running) sends them.\n"
           "      --status names the states to take, default deferred (never accepted:\n"
           "      safe to resend). Also: rejected (a requeued rejected row leaves the\n"
           "      report counts; its bounce stays recorded, so the policy may suppress it\n"
           "      unless reset), suppressed (asks the policy again, e.g. after reset),\n"
           "      queued (due now instead of at its retry time) and uncertain.\n"
           "      REQUEUEING UNCERTAIN ROWS MAY MAIL THOSE MEMBERS TWICE: their sender died\n"
           "      after the SMTP session started, and the server may have accepted the\n"
           "      message. pending and submitting (held by a sender; the next run takes a\n"
           "      dead sender's over itself) and accepted are refused (exit 64). Other\n"
           "      states are never touched. --address takes that member only. Prints how\n"
           "      many rows it requeued, per state; --dry-run only counts. Requeueing\n"
           "      anything makes the campaign unfinished again. Works in transactions of\n"
           "      10,000 rows, each updating the command's one admin_audit row.\n";
}

} // namespace verpmail
