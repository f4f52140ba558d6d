// CorpusFiguresTest: the issue 14 measure over the development corpus.
//
// Runs "verpmail-bouncer --parse" over every labelled message and scores it against the
// reference labels alone and against reference + judgements (judgements.jsonl: where
// the labels contradict the verdict policy, a checked judgement replaces them). The
// guards are on the judged figures; the reference-alone figures are printed beside them.
// Each MTA family is also held out in turn, and the families that score worst on their
// own messages are listed. Set VERPMAIL_CORPUS_VERBOSE=1 to list every disagreement.
#include "CorpusData.h"
#include "Judgements.h"
#include "Scoring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

namespace {

using namespace corpus;

const std::string kJudgements = VERPMAIL_JUDGEMENTS;
const std::string kPolicy = VERPMAIL_POLICY;

std::map<std::string, const Message*> indexByFile(const std::vector<Message>& messages)
{
    std::map<std::string, const Message*> byFile;
    for (const auto& m : messages)
        byFile[m.file] = &m;
    return byFile;
}

void listDisagreements(const Scored& s, const Verdicts& reference, bool judged)
{
    const Message& m = *s.message;
    const char* tag = judged ? " (judged)" : "";
    auto report = [&](const char* what, const std::string& want, const std::string& have) {
        std::cout << "MISMATCH " << what << tag << " " << m.file << " want=" << want << " got=" << have
                  << " kind=" << m.gotKind << "\n";
    };
    if (s.judged.recipientCounted && !s.judged.recipientOk)
        report("recipient", join(reference.addresses), join(m.got.addresses));
    if (s.judged.hardCounted && !s.judged.hardOk)
        report("hard", join(reference.hard), join(m.got.hard));
    if (s.judged.reasonCounted && !s.judged.reasonOk)
        report("reason", join(reference.reasons),
               join(m.got.reasons) + " status=" + m.gotStatus + " diag=" + m.gotDiagnostic);
    if (s.judged.kindCounted && !s.judged.kindOk)
        report("kind", m.kind, m.gotKind);
}

void printSideBySide(const Figures& ref, const Figures& judged)
{
    std::printf("corpus messages: %d\n", ref.messages);
    std::printf("%-28s %22s   %22s\n", "", "reference alone", "reference + judgements");
    auto row = [](const char* name, const Figure& a, const Figure& b) {
        std::printf("%-28s %4d / %4d = %6.2f %%   %4d / %4d = %6.2f %%\n", name, a.agree, a.total, a.percent(),
                    b.agree, b.total, b.percent());
    };
    row("recipient found", ref.recipient, judged.recipient);
    row("dead or not (hard flag)", ref.hard, judged.hard);
    row("reason", ref.reason, judged.reason);
    row("kind (complaint/autoreply)", ref.kind, judged.kind);
    row("postfix all three right", ref.postfix, judged.postfix);
    std::printf("issue 14 targets (information): dead >= 98 %%, reason >= 92 %% against reference + judgements\n");
}

/// Every family held out in turn; returns the largest gap to the full figures.
double printHoldOut(const std::vector<Scored>& scored, const std::set<std::string>& families, const Figures& full)
{
    std::printf("hold-out (judged figures over the corpus without one MTA family):\n");
    std::printf("  %-24s %9s %9s %9s\n", "family held out", "dead %", "reason %", "recip %");
    double largest = 0.0;
    std::string where;
    for (const auto& family : families)
    {
        const Figures f = tally(scored, true, [&](const Message& m) { return m.mta != family; });
        std::printf("  %-24s %9.2f %9.2f %9.2f\n", family.c_str(), f.hard.percent(), f.reason.percent(),
                    f.recipient.percent());
        const std::pair<double, const char*> gaps[] = {{f.hard.percent() - full.hard.percent(), "dead"},
                                                       {f.reason.percent() - full.reason.percent(), "reason"},
                                                       {f.recipient.percent() - full.recipient.percent(), "recipient"}};
        for (const auto& [gap, name] : gaps)
            if (std::fabs(gap) > std::fabs(largest))
            {
                largest = gap;
                where = family + " (" + name + ")";
            }
    }
    std::printf("largest hold-out gap: %+.2f points, holding out %s\n", largest, where.c_str());
    return largest;
}

/// The ten families that score worst on their own messages (dead, then reason).
void printWorstFamilies(const std::vector<Scored>& scored, const std::set<std::string>& families)
{
    struct Row
    {
        std::string family;
        Figures f;
    };
    std::vector<Row> rows;
    for (const auto& family : families)
        rows.push_back({family, tally(scored, true, [&](const Message& m) { return m.mta == family; })});
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        const double sa = a.f.hard.percent() + a.f.reason.percent(), sb = b.f.hard.percent() + b.f.reason.percent();
        return sa != sb ? sa < sb : a.f.messages > b.f.messages;
    });
    std::printf("worst families on their own messages (judged):\n");
    std::printf("  %-24s %8s %9s %9s\n", "family", "messages", "dead %", "reason %");
    for (std::size_t i = 0; i < rows.size() && i < 10; ++i)
        std::printf("  %-24s %8d %9.2f %9.2f\n", rows[i].family.c_str(), rows[i].f.messages, rows[i].f.hard.percent(),
                    rows[i].f.reason.percent());
}

} // namespace

TEST(CorpusJudgements, EachStandsOnItsQuote)
{
    int exitStatus = -1;
    const std::vector<Message> messages = loadCorpus(exitStatus);
    ASSERT_FALSE(messages.empty()) << "no corpus at " << corpusDir() << " (labels.jsonl missing or empty)";
    const auto judgements = loadJudgements(kJudgements);
    const auto clauses = loadPolicyClauses(kPolicy);
    ASSERT_FALSE(clauses.empty()) << kPolicy;
    EXPECT_GE(judgements.size(), 10u) << "judgements.jsonl holds too few judgements to be the measure";
    const auto byFile = indexByFile(messages);
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& j : judgements)
    {
        EXPECT_EQ(checkJudgement(j, byFile, clauses), "") << "judgements.jsonl line " << j.line << ": " << j.file;
        EXPECT_TRUE(seen.insert({j.file, lower(j.recipient)}).second)
            << "judgements.jsonl line " << j.line << ": " << j.file << " judged twice";
    }
}

TEST(CorpusFigures, MeetsIssue14Measure)
{
    int exitStatus = -1;
    const std::vector<Message> messages = loadCorpus(exitStatus);
    // No corpus is a failure: the figures are what this test guards.
    ASSERT_FALSE(messages.empty()) << "no corpus at " << corpusDir() << " (labels.jsonl missing or empty)";
    EXPECT_EQ(exitStatus, 0) << VERPMAIL_BOUNCER << " --parse";
    const auto judged = judgedVerdicts(loadJudgements(kJudgements));
    const bool verbose = std::getenv("VERPMAIL_CORPUS_VERBOSE") != nullptr;

    std::vector<Scored> scored;
    std::set<std::string> families;
    for (const auto& m : messages)
    {
        const auto j = judged.find(m.file);
        Verdicts reference = m.reference;
        if (j != judged.end())
        {
            reference.reasons = j->second.reasons;
            reference.hard = j->second.hard;
        }
        scored.push_back({&m, score(m, m.reference, false), score(m, reference, j != judged.end())});
        families.insert(m.mta);
        if (verbose)
            listDisagreements(scored.back(), reference, j != judged.end());
    }
    const auto all = [](const Message&) { return true; };
    const Figures ref = tally(scored, false, all);
    const Figures full = tally(scored, true, all);
    printSideBySide(ref, full);
    printHoldOut(scored, families, full);
    printWorstFamilies(scored, families);

    // Guards about one point below the level measured, so a regression fails; the
    // reference-alone dead and reason figures are printed only (issue 14 makes the
    // judged figures the measure), recipient and kind keep their guards.
    EXPECT_GE(ref.recipient.percent(), 98.0);
    EXPECT_GE(ref.kind.percent(), 99.0);
    EXPECT_GE(full.recipient.percent(), 98.0);
    EXPECT_GE(full.hard.percent(), 98.5);
    EXPECT_GE(full.reason.percent(), 91.2);
    EXPECT_GE(full.kind.percent(), 99.0);
    EXPECT_GE(full.postfix.percent(), 95.0);
}
