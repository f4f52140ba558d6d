// Scoring: per message and tolerant where the reference labels are:
//  - recipient: every reference recipient is among ours; messages naming none are skipped;
//  - hard:      our set of hard/not-hard flags equals the reference's, bounces only;
//  - reason:    our set of reasons equals the reference's, bounces only;
//  - kind:      complaints and auto-replies come back as complaint / autoreply.
#include "Scoring.h"

#include <algorithm>

namespace corpus {

MessageScore score(const Message& m, const Verdicts& reference, bool judged)
{
    MessageScore s;
    if (!reference.addresses.empty())
    {
        s.recipientCounted = true;
        s.recipientOk = std::includes(m.got.addresses.begin(), m.got.addresses.end(), reference.addresses.begin(),
                                      reference.addresses.end());
    }
    const bool bounce = m.kind == "bounce" || judged;
    if (bounce && !reference.hard.empty())
    {
        s.hardCounted = true;
        s.hardOk = m.got.hard == reference.hard;
    }
    if (bounce && !reference.reasons.empty())
    {
        s.reasonCounted = true;
        s.reasonOk = m.got.reasons == reference.reasons;
    }
    if (m.kind == "complaint" || m.kind == "autoreply")
    {
        s.kindCounted = true;
        s.kindOk = m.gotKind == m.kind;
    }
    return s;
}

Figures tally(const std::vector<Scored>& scored, bool withJudgements,
              const std::function<bool(const Message&)>& include)
{
    Figures f;
    for (const auto& entry : scored)
    {
        if (!include(*entry.message))
            continue;
        const MessageScore& s = withJudgements ? entry.judged : entry.reference;
        ++f.messages;
        bool all = true;
        if (s.recipientCounted)
        {
            f.recipient.add(s.recipientOk);
            all = all && s.recipientOk;
        }
        if (s.hardCounted)
        {
            f.hard.add(s.hardOk);
            all = all && s.hardOk;
        }
        if (s.reasonCounted)
        {
            f.reason.add(s.reasonOk);
            all = all && s.reasonOk;
        }
        if (s.kindCounted)
            f.kind.add(s.kindOk);
        if (entry.message->mta == "lhost-postfix")
            f.postfix.add(all);
    }
    return f;
}

} // namespace corpus
