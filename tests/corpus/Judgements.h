// Judgements: where the reference labels contradict the verdict policy
// (../shared/research/bounce-verdicts.md), a recorded judgement replaces the reference
// for that message (tests/corpus/judgements.jsonl, one JSON object per line).
#pragma once

#include "CorpusData.h"

#include <map>
#include <string>
#include <vector>

namespace corpus {

struct Judgement
{
    int line = 0;
    std::string file;
    std::string recipient; ///< optional: the failed recipient judged
    bool dead = false;
    std::string reason;
    std::string evidence;  ///< a verbatim quote from the message
    std::string policy;    ///< the clause of the policy it rests on
};

/// The judgements file; throws when it is missing or a line is not a judgement
/// (a malformed file must fail the test, not shrink it).
std::vector<Judgement> loadJudgements(const std::string& path);

/// The policy file's clauses (headings, bullets and paragraphs, whitespace unfolded,
/// emphasis marks dropped); throws when the file is missing.
std::vector<std::string> loadPolicyClauses(const std::string& path);

/// Whitespace runs (spaces, tabs, CR, LF) folded to one space, ends trimmed.
std::string unfold(const std::string& text);

/// What is wrong with a judgement, empty when it stands: the file is in the corpus, the
/// evidence occurs in the message, dead and reason agree, the policy clause is one of
/// the policy's, and the verdict differs from the reference it replaces.
std::string checkJudgement(const Judgement& j, const std::map<std::string, const Message*>& byFile,
                           const std::vector<std::string>& clauses);

/// The reference with the judgements applied: every judged message's reasons and hard
/// flags are those of its judgements (one per failed recipient where they differ).
std::map<std::string, Verdicts> judgedVerdicts(const std::vector<Judgement>& judgements);

} // namespace corpus
