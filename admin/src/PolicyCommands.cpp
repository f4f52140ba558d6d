#include "PolicyCommands.h"

#include "verpmail/util/TextTable.h"

#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/PolicyStore.h"
#include "verpmail/util/Json.h"

#include <map>

namespace verpmail {
namespace {

constexpr std::size_t kExamples = 5;
constexpr std::size_t kListedChanges = 10000;  // JSON lists each change up to this many
constexpr std::int64_t kPage = 1000;

struct Transition
{
    std::uint64_t count = 0;
    std::vector<std::string> examples;
    std::map<std::string, std::uint64_t> byRule;
};

} // namespace

ExitStatus simulatePolicy(MysqlConnection& db, const Poco::Util::AbstractConfiguration& config, const std::string& format,
                          std::ostream& out)
{
    const PolicySettings proposed = policySettingsFrom(config);
    const std::string now = utcNow();
    PolicyStore store(db);

    // Every address that has a state or a countable return; the others cannot change.
    std::map<std::pair<std::string, std::string>, Transition> transitions;
    struct Change
    {
        std::string address, from, to, rule;
    };
    std::vector<Change> changes;
    std::uint64_t evaluated = 0, unchanged = 0;
    std::string after;
    for (;;) {
        MysqlStatement st = db.prepare(
            "SELECT EmailAddress FROM EmailAddressTracker WHERE EmailAddress > ? AND (PolicyState <> 'active'"
            " OR HardBounceCount > 0 OR SoftBounceCount > 0 OR ComplaintCount > 0) ORDER BY EmailAddress LIMIT ?");
        st.execute({after, kPage});
        std::vector<std::string> emails;
        while (st.fetch())
            emails.push_back(st.text(0));
        if (emails.empty())
            break;
        after = emails.back();
        const auto subjects = store.load(emails, proposed, now);
        for (const std::string& email : emails) {
            const PolicySubject& s = subjects.at(email);
            const PolicyDecision d = evaluate(proposed, s.state, s.facts, now);
            ++evaluated;
            if (!d.changed || d.state == s.state.state) {
                ++unchanged;
                continue;
            }
            Transition& t = transitions[{toString(s.state.state), toString(d.state)}];
            ++t.count;
            ++t.byRule[d.rule];
            if (t.examples.size() < kExamples)
                t.examples.push_back(email);
            if (changes.size() < kListedChanges)
                changes.push_back({email, toString(s.state.state), toString(d.state), d.rule});
        }
        if (static_cast<std::int64_t>(emails.size()) < kPage)
            break;
    }

    if (format == "json") {
        JsonWriter j;
        j.beginObject().key("now").value(now).key("rules").beginArray();
        for (const PolicyRule& r : proposed.rules)
            j.value(describe(r));
        j.endArray().key("evaluated").value(evaluated).key("unchanged").value(unchanged).key("changes").beginArray();
        for (const auto& [key, t] : transitions) {
            j.beginObject().key("from").value(key.first).key("to").value(key.second).key("count").value(t.count);
            j.key("by_rule").beginObject();
            for (const auto& [rule, n] : t.byRule)
                j.key(rule).value(n);
            j.endObject().key("examples").beginArray();
            for (const std::string& e : t.examples)
                j.value(e);
            j.endArray().endObject();
        }
        j.endArray().key("changed").beginArray();
        for (const Change& c : changes)
            j.beginObject().key("address").value(c.address).key("from").value(c.from).key("to").value(c.to)
                .key("rule").value(c.rule).endObject();
        j.endArray().endObject();
        out << j.str() << "\n";
        return ExitStatus::Ok;
    }

    out << "proposed policy (nothing is changed by a simulation):\n";
    for (const PolicyRule& r : proposed.rules)
        out << "  " << describe(r) << "\n";
    out << "  quarantine " << proposed.quarantineDays << " days; soft count restarts after " << proposed.softResetStreak
        << " accepted messages\n\n";
    TextTable table({"FROM", "TO", "ADDRESSES", "RULE", "EXAMPLES"});
    for (const auto& [key, t] : transitions) {
        std::string examples;
        for (const std::string& e : t.examples)
            examples += (examples.empty() ? "" : " ") + e;
        for (const auto& [rule, n] : t.byRule)
            table.add({key.first, key.second, std::to_string(n), rule, examples});
    }
    if (transitions.empty())
        out << "no address would change state\n";
    else
        out << table.render();
    out << evaluated << " addresses evaluated, " << unchanged << " unchanged\n";
    return ExitStatus::Ok;
}

} // namespace verpmail
