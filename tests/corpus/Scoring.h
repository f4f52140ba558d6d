// Scoring: per-message agreement with a reference, and the figures over any subset of
// the corpus (all of it, one MTA family, or all but one family).
#pragma once

#include "CorpusData.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace corpus {

struct Figure
{
    int agree = 0;
    int total = 0;
    double percent() const { return total == 0 ? 100.0 : 100.0 * agree / total; }
    void add(bool ok)
    {
        ++total;
        agree += ok;
    }
};

/// How one message scores against one reference. A field is counted only where the
/// reference says something about it.
struct MessageScore
{
    bool recipientCounted = false, recipientOk = false;
    bool hardCounted = false, hardOk = false;
    bool reasonCounted = false, reasonOk = false;
    bool kindCounted = false, kindOk = false;
};

/// The four figures of the issue, plus Postfix's own messages all-correct.
struct Figures
{
    int messages = 0;
    Figure recipient, hard, reason, kind, postfix;
};

/// The message scored against `reference` (its own labels, or its judged verdicts).
/// `judged` counts the hard flag and reason even where the labels call the message
/// something other than a bounce.
MessageScore score(const Message& m, const Verdicts& reference, bool judged);

/// One score per message: against the labels alone, and with the judgements applied.
struct Scored
{
    const Message* message;
    MessageScore reference;
    MessageScore judged;
};

Figures tally(const std::vector<Scored>& scored, bool withJudgements,
              const std::function<bool(const Message&)>& include);

} // namespace corpus
