#include "SuppressionReport.h"

#include "TextTable.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/PolicyStore.h"
#include "verpmail/store/TrackerStore.h"
#include "verpmail/util/Json.h"

namespace verpmail {

std::vector<SuppressedAddress> suppressedAddresses(MysqlConnection& db, const PolicySettings& policy)
{
    // Keyset pages of candidates; each page's state and returns come from the same
    // PolicyStore the sender uses.
    const std::string now = utcNow();
    PolicyStore store(db);
    std::vector<SuppressedAddress> rows;
    std::string after;
    for (;;) {
        MysqlStatement st = db.prepare(
            "SELECT EmailAddress, HardBounceCount, ComplaintCount, BlockCount, LastBounce, SuppressedAt"
            " FROM EmailAddressTracker WHERE EmailAddress > ? AND (PolicyState <> 'active' OR HardBounceCount > 0"
            " OR SoftBounceCount > 0 OR ComplaintCount > 0) ORDER BY EmailAddress LIMIT 1000");
        st.execute({after});
        std::vector<SuppressedAddress> page;
        std::vector<std::string> emails;
        while (st.fetch()) {
            SuppressedAddress r;
            r.address = st.text(0);
            r.history.hardBounces = static_cast<unsigned>(st.integer(1));
            r.history.complaints = static_cast<unsigned>(st.integer(2));
            r.history.blocks = static_cast<unsigned>(st.integer(3));
            r.lastBounce = st.optionalText(4);
            r.suppressedAt = st.optionalText(5);
            emails.push_back(r.address);
            page.push_back(std::move(r));
        }
        if (page.empty())
            break;
        after = emails.back();
        const auto subjects = store.load(emails, policy, now);
        for (SuppressedAddress& r : page) {
            const PolicySubject& subject = subjects.at(r.address);
            r.history.ignoreBounces = subject.state.ignoreBounces;
            for (const BounceFact& f : subject.facts)
                if (f.bounceClass == BounceClass::Soft && f.at >= subject.state.countsResetAt.value_or(""))
                    ++r.history.softBouncesInWindow;
            r.decision = evaluate(policy, subject.state, subject.facts, now);
            if (r.decision.verdict == Verdict::Suppress)
                rows.push_back(std::move(r));
        }
        if (page.size() < 1000)
            break;
    }
    return rows;
}

std::string suppressionTable(const std::vector<SuppressedAddress>& rows)
{
    TextTable table({"ADDRESS", "REASON", "HARD", "SOFT(window)", "COMPLAINTS", "LAST BOUNCE", "WHY"});
    for (const SuppressedAddress& r : rows)
        table.add({r.address, r.decision.reason, std::to_string(r.history.hardBounces),
                   std::to_string(r.history.softBouncesInWindow), std::to_string(r.history.complaints),
                   r.lastBounce.value_or("-"), r.decision.explanation});
    return table.render() + std::to_string(rows.size()) + " suppressed address" + (rows.size() == 1 ? "" : "es") + "\n";
}

std::string suppressionJson(const std::vector<SuppressedAddress>& rows)
{
    JsonWriter j;
    j.beginArray();
    for (const SuppressedAddress& r : rows) {
        j.beginObject()
            .key("address").value(r.address)
            .key("reason").value(r.decision.reason)
            .key("rule").value(r.decision.rule)
            .key("explanation").value(r.decision.explanation)
            .key("hard_bounces").value(r.history.hardBounces)
            .key("soft_bounces_in_window").value(r.history.softBouncesInWindow)
            .key("complaints").value(r.history.complaints)
            .key("blocks").value(r.history.blocks)
            .key("last_bounce");
        if (r.lastBounce)
            j.value(*r.lastBounce);
        else
            j.null();
        j.key("suppressed_at");
        if (r.suppressedAt)
            j.value(*r.suppressedAt);
        else
            j.null();
        j.endObject();
    }
    j.endArray();
    return j.str();
}

} // namespace verpmail
