#include "verpmail/store/PolicyStore.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/IncidentStore.h"
#include "verpmail/util/Json.h"

#include <Poco/JSON/Parser.h>

namespace verpmail {
namespace {

std::string placeholders(std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += i ? ",?" : "?";
    return s;
}

BounceClass classFrom(const std::string& type)
{
    if (type == "hard")
        return BounceClass::Hard;
    if (type == "complaint")
        return BounceClass::Complaint;
    return BounceClass::Soft;
}

} // namespace

std::string evidenceJson(const std::vector<BounceFact>& evidence)
{
    JsonWriter j;
    j.beginArray();
    std::size_t n = 0;
    for (const BounceFact& f : evidence) {
        if (++n > 20)
            break;
        j.beginObject().key("at").value(f.at).key("class").value(toString(f.bounceClass)).key("reason").value(f.reason);
        j.key("status").value(f.status).endObject();
    }
    j.endArray();
    return j.str();
}

std::vector<BounceFact> evidenceFromJson(const std::string& json)
{
    std::vector<BounceFact> facts;
    try {
        Poco::JSON::Parser parser;
        const Poco::JSON::Array::Ptr array = parser.parse(json).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; array && i < array->size(); ++i) {
            const Poco::JSON::Object::Ptr o = array->getObject(static_cast<unsigned>(i));
            if (!o)
                continue;
            facts.push_back({o->optValue<std::string>("at", ""), classFrom(o->optValue<std::string>("class", "soft")),
                             o->optValue<std::string>("reason", ""), o->optValue<std::string>("status", "")});
        }
    } catch (const Poco::Exception&) {
        facts.clear();
    }
    return facts;
}

std::unordered_map<std::string, PolicySubject> PolicyStore::load(const std::vector<std::string>& emails,
                                                                 const PolicySettings& settings, const std::string& now)
{
    std::unordered_map<std::string, PolicySubject> subjects;
    if (emails.empty())
        return subjects;
    for (const std::string& e : emails)
        subjects[e].email = e;

    std::vector<SqlValue> params;
    for (const std::string& e : emails)
        params.emplace_back(e);
    MysqlStatement state = _db.prepare(
        "SELECT EmailAddress, IgnoreBounces, PolicyState, QuarantineUntil, QuarantineCount, CountsResetAt, SoftCountsFrom,"
        " COALESCE(DecisionRule, ''), COALESCE(SuppressedReason, ''), EncodedFROM FROM EmailAddressTracker WHERE EmailAddress IN (" + placeholders(emails.size()) + ")");
    state.execute(params);
    while (state.fetch()) {
        auto it = subjects.find(state.text(0));
        if (it == subjects.end())
            continue;  // collation matched a differently-cased key: keep the caller's
        PolicySubject& s = it->second;
        s.tracked = true;
        s.state.ignoreBounces = state.integer(1) != 0;
        s.state.state = policyStateFrom(state.text(2)).value_or(PolicyState::Active);
        s.state.quarantineUntil = state.optionalText(3);
        s.state.quarantineCount = static_cast<unsigned>(state.integer(4));
        s.state.countsResetAt = state.optionalText(5);
        s.state.softCountsFrom = state.optionalText(6);
        s.state.decisionRule = state.text(7);
        s.state.stateReason = state.text(8);
        s.encodedFrom = state.text(9);
    }

    const unsigned window = settings.longestWindowDays();
    std::vector<SqlValue> factParams = params;
    factParams.emplace_back(window == 0 ? std::string("1970-01-01 00:00:00") : shiftUtc(now, -static_cast<long long>(window) * 86400));
    MysqlStatement facts = _db.prepare(
        "SELECT email, DATE_FORMAT(bounced_at, '%Y-%m-%d %H:%i:%s'), bounce_type, bounce_reason, status_code"
        " FROM bounce_logs WHERE email IN (" + placeholders(emails.size()) + ")"
        " AND bounce_type IN ('hard','soft','complaint') AND incident_id IS NULL AND bounced_at >= ?"
        " ORDER BY email, bounced_at DESC, id DESC");
    facts.execute(factParams);
    while (facts.fetch()) {
        auto it = subjects.find(facts.text(0));
        if (it == subjects.end())
            continue;
        it->second.facts.push_back({facts.text(1), classFrom(facts.text(2)), facts.text(3), facts.text(4)});
    }
    return subjects;
}

void PolicyStore::record(const std::string& email, const PolicyDecision& decision, const std::string& actor,
                         std::optional<unsigned> listId)
{
    const std::string state = toString(decision.state);
    const std::string summary = decision.state == PolicyState::Active ? std::string() : decision.reason;
    MysqlStatement tracker = _db.prepare(
        "UPDATE EmailAddressTracker SET PolicyState = ?, QuarantineUntil = ?, QuarantineCount = ?, DecisionRule = ?,"
        " DecidedAt = UTC_TIMESTAMP(),"
        " SuppressedAt = IF(? = 'active', NULL, IFNULL(SuppressedAt, UTC_TIMESTAMP())),"
        " SuppressedReason = IF(? = 'active', NULL, ?) WHERE EmailAddress = ?");
    tracker.execute({state, decision.quarantineUntil, decision.quarantineCount, decision.rule.substr(0, 128), state, state,
                     summary, email});
    MysqlStatement log = _db.prepare(
        "INSERT INTO policy_decisions (email, state, action, rule, evidence, actor, decided_at)"
        " VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())");
    log.execute({email, state, decision.action, decision.rule.substr(0, 128), evidenceJson(decision.evidence),
                 actor.substr(0, 128)});
    if (decision.action == "unsubscribe" && listId) {
        MysqlStatement leave = _db.prepare(
            "UPDATE members SET active = 0, inactive_reason = 'complaint' WHERE email = ? AND list_id = ?");
        leave.execute({email, *listId});
    }
    // So that queries over members (the seeds' own) see who is no longer mailed; the
    // reason tells a reset which memberships it may give back.
    if (deactivatesMembers(decision)) {
        MysqlStatement off = _db.prepare(
            "UPDATE members SET active = 0, inactive_reason = 'policy' WHERE email = ? AND active = 1");
        off.execute({email});
    } else if (decision.changed && decision.state == PolicyState::Active) {
        MysqlStatement on = _db.prepare(
            "UPDATE members SET active = 1, inactive_reason = NULL WHERE email = ? AND active = 0"
            " AND inactive_reason = 'policy'");
        on.execute({email});
    }
}

std::unordered_set<std::string> PolicyStore::pausedDomains(const std::vector<std::string>& emails,
                                                           const IncidentSettings& incident)
{
    std::unordered_set<std::string> domains;
    for (const std::string& e : emails)
        domains.insert(e.substr(e.rfind('@') + 1));
    return IncidentStore(_db, incident).pausedDomains(domains);
}

} // namespace verpmail
