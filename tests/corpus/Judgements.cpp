// Judgements: loading and checking the recorded verdicts that replace reference labels.
// Each must stand on its own quote, so every check here is mechanical: a judgement
// that cannot be verified against the message and the policy text fails the test.
#include "Judgements.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace corpus {

namespace {

/// Reasons that mean the address is dead (the policy's "Dead" section). A suspension is
/// dead only where the text says permanently, so it may be judged either way.
const std::set<std::string> kDeadReasons{"userunknown", "hostunknown", "hasmoved", "notaccept", "suspend"};
const std::set<std::string> kEitherReasons{"suspend"};

/// The reasons a judgement may name: the failure reasons the labels and the parser use.
const std::set<std::string> kKnownReasons{
    "authfailure",  "badreputation",  "blocked",      "contenterror", "exceedlimit",   "expired",
    "failedstarttls", "filtered",     "hasmoved",     "hostunknown",  "mailboxfull",   "mailererror",
    "mesgtoobig",   "networkerror",   "norelaying",   "notaccept",    "notcompliantrfc", "onhold",
    "policyviolation", "rejected",    "requireptr",   "securityerror", "spamdetected", "speeding",
    "suspend",      "syntaxerror",    "systemerror",  "toomanyconn",  "undefined",     "userunknown",
    "virusdetected"};

/// The text with markdown emphasis and code marks dropped, whitespace unfolded.
std::string plainClause(const std::string& text)
{
    std::string out;
    for (const char c : text)
        if (c != '*' && c != '`')
            out += c;
    return unfold(out);
}

std::string required(const Poco::JSON::Object::Ptr& o, const char* key, int line)
{
    if (!o->has(key) || !o->get(key).isString() || o->getValue<std::string>(key).empty())
        throw std::runtime_error("judgements line " + std::to_string(line) + ": no \"" + key + "\" string");
    return o->getValue<std::string>(key);
}

Judgement parseJudgement(const std::string& text, int line)
{
    Poco::JSON::Parser parser;
    const auto o = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
    Judgement j;
    j.line = line;
    j.file = required(o, "file", line);
    j.recipient = o->optValue<std::string>("recipient", "");
    if (!o->has("dead") || !o->get("dead").isBoolean())
        throw std::runtime_error("judgements line " + std::to_string(line) + ": no \"dead\" boolean");
    j.dead = o->getValue<bool>("dead");
    j.reason = required(o, "reason", line);
    j.evidence = required(o, "evidence", line);
    j.policy = required(o, "policy", line);
    return j;
}

bool isReferenceVerdict(const Judgement& j, const Message& m)
{
    return m.reference.reasons == std::set<std::string>{j.reason} &&
           m.reference.hard == std::set<std::string>{j.dead ? "hard" : "nothard"};
}

} // namespace

std::string unfold(const std::string& text)
{
    std::string out;
    bool space = false;
    for (const char c : text)
    {
        if (std::isspace(static_cast<unsigned char>(c)))
        {
            space = true;
            continue;
        }
        if (space && !out.empty())
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::vector<Judgement> loadJudgements(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::vector<Judgement> judgements;
    std::string text;
    for (int line = 1; std::getline(in, text); ++line)
        if (!unfold(text).empty())
            judgements.push_back(parseJudgement(text, line));
    return judgements;
}

std::vector<std::string> loadPolicyClauses(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::vector<std::string> clauses;
    std::string current, text;
    auto flush = [&] {
        if (!plainClause(current).empty())
            clauses.push_back(plainClause(current));
        current.clear();
    };
    while (std::getline(in, text))
    {
        const std::string trimmed = unfold(text);
        // A blank line ends a paragraph; a heading is a clause of its own; a bullet starts one.
        if (trimmed.empty() || trimmed[0] == '#' || trimmed.compare(0, 2, "- ") == 0)
            flush();
        if (!trimmed.empty() && trimmed[0] == '#')
        {
            clauses.push_back(plainClause(trimmed.substr(trimmed.find_first_not_of("# "))));
            continue;
        }
        current += " " + (trimmed.compare(0, 2, "- ") == 0 ? trimmed.substr(2) : trimmed);
    }
    flush();
    return clauses;
}

std::string checkJudgement(const Judgement& j, const std::map<std::string, const Message*>& byFile,
                           const std::vector<std::string>& clauses)
{
    const auto found = byFile.find(j.file);
    if (found == byFile.end())
        return "file is not in the corpus labels";
    const std::string message = unfold(readMessage(j.file));
    if (message.find(unfold(j.evidence)) == std::string::npos)
        return "evidence does not occur in the message";
    if (!j.recipient.empty() && lower(message).find(lower(j.recipient)) == std::string::npos)
        return "recipient does not occur in the message";
    if (kKnownReasons.count(j.reason) == 0)
        return "unknown reason " + j.reason;
    const bool deadReason = kDeadReasons.count(j.reason) != 0;
    if (j.dead != deadReason && kEitherReasons.count(j.reason) == 0)
        return std::string("dead=") + (j.dead ? "true" : "false") + " contradicts reason " + j.reason;
    const std::string policy = plainClause(j.policy);
    bool inPolicy = false;
    for (const auto& clause : clauses)
        inPolicy = inPolicy || (policy.size() >= 12 && clause.find(policy) != std::string::npos);
    if (!inPolicy)
        return "policy clause is not one of bounce-verdicts.md's headings, bullets or paragraphs";
    if (isReferenceVerdict(j, *found->second))
        return "the reference already says this: not a judgement";
    return "";
}

std::map<std::string, Verdicts> judgedVerdicts(const std::vector<Judgement>& judgements)
{
    std::map<std::string, Verdicts> judged;
    for (const auto& j : judgements)
    {
        Verdicts& v = judged[j.file];
        v.reasons.insert(j.reason);
        v.hard.insert(j.dead ? "hard" : "nothard");
    }
    return judged;
}

} // namespace corpus
