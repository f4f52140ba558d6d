#include "verpmail/report/SuppressionReport.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/PolicyStore.h"
#include "verpmail/store/TrackerStore.h"

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

} // namespace verpmail
