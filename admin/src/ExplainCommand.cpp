#include "ExplainCommand.h"

#include "AdminApp.h"
#include "verpmail/util/TextTable.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/mail/EmailAddress.h"
#include "verpmail/store/ListingStore.h"
#include "verpmail/store/PolicyStore.h"
#include "verpmail/store/TrackerStore.h"
#include "verpmail/util/Printable.h"

namespace verpmail {
namespace {

/// The rows of a one-parameter query as a text table, every column as text.
TextTable queryTable(MysqlConnection& db, const std::string& sql, const std::string& param,
                     std::vector<std::string> header)
{
    MysqlStatement st = db.prepare(sql);
    st.execute({param});
    const std::size_t columns = header.size();
    TextTable table(std::move(header));
    while (st.fetch()) {
        std::vector<std::string> row;
        for (std::size_t c = 0; c < columns; ++c)
            row.push_back(st.text(c));
        table.add(std::move(row));
    }
    return table;
}

} // namespace

ExitStatus explainAddress(MysqlConnection& db, const PolicySettings& policy, const std::string& addressText, std::ostream& out)
{
    const std::optional<EmailAddress> address = EmailAddress::parse(addressText);
    if (!address)
        throw AdminError(ExitStatus::DataErr, "not a valid address: \"" + printable(addressText) + "\"");
    const std::string email = address->normalized();
    TrackerStore tracker(db);
    const std::optional<TrackerRow> row = tracker.find(email);

    const TextTable lists = queryTable(
        db,
        "SELECT l.name, IF(m.active, 'yes', 'no'), m.bounce_count, m.bounce_status, COALESCE(m.last_bounce_at, '-')"
        " FROM members m JOIN lists l ON l.id = m.list_id WHERE m.email = ? ORDER BY l.name",
        email, {"LIST", "ACTIVE", "BOUNCES", "STATUS", "LAST BOUNCE"});

    if (!row && lists.rows() == 0)
        throw AdminError(ExitStatus::DataErr, "no record of " + email + " (not a member of any list, never mailed)");

    out << "address: " << email << "\n";
    if (lists.rows() > 0)
        out << "\nmemberships:\n" << lists.render();
    if (!row) {
        out << "\nnever mailed: no tracker row yet\ndecision: send\n";
        return ExitStatus::Ok;
    }
    auto when = [](const std::optional<std::string>& t) { return t.value_or("never"); };
    out << "\ntracker:\n"
              << "  EncodedFROM     " << row->encodedFrom << "\n"
              << "  IgnoreBounces   " << (row->ignoreBounces ? 1 : 0) << "\n"
              << "  MsgCount        " << row->msgCount << " (first " << when(row->firstEmail) << ", last "
              << when(row->lastEmail) << ")\n"
              << "  BounceCount     " << row->bounceCount << " (hard " << row->hardBounceCount << ", soft "
              << row->softBounceCount << ", block " << row->blockCount << "), complaints " << row->complaintCount
              << ", auto-replies " << row->autoReplyCount << "\n"
              << "  FirstBounce     " << when(row->firstBounce) << "\n"
              << "  LastBounce 1-3  " << when(row->lastBounce) << ", " << when(row->lastBounce2) << ", "
              << when(row->lastBounce3) << "\n";
    if (row->countsResetAt)
        out << "  counts reset at " << *row->countsResetAt << "\n";

    const std::string now = utcNow();
    PolicyStore store(db);
    const PolicySubject subject = store.load({email}, policy, now).at(email);
    out << "  policy state    " << toString(subject.state.state);
    if (subject.state.quarantineUntil)
        out << " (quarantine until " << *subject.state.quarantineUntil << ", quarantines " << subject.state.quarantineCount
            << ")";
    if (!subject.state.decisionRule.empty())
        out << ", by rule \"" << subject.state.decisionRule << "\"";
    out << "\n";

    // The same reads as the API's member page (ListingStore).
    ListingStore listing(db);
    const std::vector<BounceRow> returns = listing.bounces(email, 10);
    if (!returns.empty()) {
        TextTable table({"WHEN", "CLASS", "REASON", "STATUS", "CAMPAIGN", "DIAGNOSTIC"});
        for (const BounceRow& r : returns)
            table.add({r.bouncedAt, r.bounceType, r.reason, r.statusCode, r.campaign.value_or(""), r.diagnostic});
        out << "\nrecent returns (newest first):\n" << table.render();
    }

    const std::vector<DecisionRow> decided = listing.decisions(email, 10);
    if (!decided.empty()) {
        TextTable decisions({"WHEN", "STATE", "ACTION", "RULE", "BY"});
        for (const DecisionRow& d : decided)
            decisions.add({d.decidedAt, d.state, d.action, d.rule, d.actor});
        out << "\npolicy decisions (newest first):\n" << decisions.render();
    }

    const PolicyDecision decision = evaluate(policy, subject.state, subject.facts, now);
    out << "\ndecision: " << (decision.verdict == Verdict::Suppress ? "not mailed (" + decision.reason + ")" : std::string("send"))
        << (decision.changed ? " [changes state to " + std::string(toString(decision.state)) + " at the next send]" : "")
        << "\n";
    if (!decision.rule.empty())
        out << "rule:     " << decision.rule << "\n";
    out << "why:      " << decision.explanation << "\n";
    std::vector<BounceFact> evidence = decision.evidence;
    std::string evidenceSource;
    if (evidence.empty() && !decision.changed && subject.state.state != PolicyState::Active) {
        // A standing state: its evidence is what the decision that set it recorded.
        MysqlStatement last = db.prepare(
            "SELECT DATE_FORMAT(decided_at, '%Y-%m-%d %H:%i:%s'), evidence FROM policy_decisions WHERE email = ?"
            " ORDER BY decided_at DESC, id DESC LIMIT 1");
        last.execute({email});
        if (last.fetch()) {
            evidenceSource = " (recorded with the decision of " + last.text(0) + ")";
            evidence = evidenceFromJson(last.text(1));
        }
    }
    if (!evidence.empty()) {
        out << "evidence" << evidenceSource << ":\n";
        for (const BounceFact& f : evidence)
            out << "  " << f.at << "  " << toString(f.bounceClass) << "  " << (f.reason.empty() ? "-" : f.reason) << "  "
                << (f.status.empty() ? "-" : f.status) << "\n";
    }
    if (!decision.release.empty())
        out << "release:  " << decision.release << "\n";
    return ExitStatus::Ok;
}

} // namespace verpmail
