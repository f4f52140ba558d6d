#include "SuppressionReport.h"

#include "TextTable.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/TrackerStore.h"
#include "verpmail/util/Json.h"

namespace verpmail {

std::vector<SuppressedAddress> suppressedAddresses(MysqlConnection& db, const PolicySettings& policy)
{
    MysqlStatement st = db.prepare(std::string(
        "SELECT t.EmailAddress, t.IgnoreBounces, t.HardBounceCount, t.ComplaintCount, t.BlockCount, ") +
        kSoftInWindowSql + ", t.LastBounce, t.SuppressedAt FROM EmailAddressTracker t"
        " WHERE t.HardBounceCount > 0 OR t.SoftBounceCount > 0 OR t.ComplaintCount > 0"
        " ORDER BY t.EmailAddress");
    st.execute({utcDaysAgo(policy.softWindowDays)});
    std::vector<SuppressedAddress> rows;
    while (st.fetch()) {
        SuppressedAddress r;
        r.address = st.text(0);
        r.history.ignoreBounces = st.integer(1) != 0;
        r.history.hardBounces = static_cast<unsigned>(st.integer(2));
        r.history.complaints = static_cast<unsigned>(st.integer(3));
        r.history.blocks = static_cast<unsigned>(st.integer(4));
        r.history.softBouncesInWindow = static_cast<unsigned>(st.integer(5));
        r.lastBounce = st.optionalText(6);
        r.suppressedAt = st.optionalText(7);
        r.decision = decide(policy, r.history);
        if (r.decision.verdict == Verdict::Suppress)
            rows.push_back(std::move(r));
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
