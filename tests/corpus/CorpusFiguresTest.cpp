// CorpusFiguresTest: the issue 3 acceptance figures over the development corpus.
//
// Reference labels (labels.jsonl) are references, not truth (see the corpus
// README), so the figures are per message and tolerant where the labels are:
//  - recipient: every Sisimai recipient (ignoring its ".invalid" placeholders for
//    redacted reports) is among ours; messages whose reference names none are skipped;
//  - hard:      our set of "class == Hard" flags equals the reference's (upstream
//    `hard` where present, else Sisimai's soft == false), bounces only;
//  - reason:    our set of reasons equals the reference's (upstream, else Sisimai);
//  - kind:      complaints and auto-replies come back as Complaint / AutoReply.
// Set VERPMAIL_CORPUS_VERBOSE=1 to list every disagreement.
#include "verpmail/bounce/BounceParser.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

namespace {

const std::string kCorpus = VERPMAIL_CORPUS_DIR;

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Figure
{
    const char* name;
    int agree = 0;
    int total = 0;
    double percent() const { return total == 0 ? 100.0 : 100.0 * agree / total; }
};

std::string join(const std::set<std::string>& values)
{
    std::string out;
    for (const auto& v : values)
        out += (out.empty() ? "" : ",") + v;
    return out;
}

bool isNonFailureReason(const std::string& reason)
{
    return reason == "delivered" || reason == "feedback" || reason == "vacation";
}

} // namespace

TEST(CorpusFigures, MeetsIssue3Targets)
{
    std::ifstream labels(kCorpus + "/labels.jsonl");
    if (!labels)
        GTEST_SKIP() << "no corpus at " << kCorpus;
    const bool verbose = std::getenv("VERPMAIL_CORPUS_VERBOSE") != nullptr;

    Figure recipient{"recipient found"};
    Figure hard{"hard flag agrees"};
    Figure reason{"reason agrees"};
    Figure kind{"complaint/autoreply kind"};
    Figure postfix{"postfix recipient+hard+reason"};
    int messages = 0;

    std::string line;
    Poco::JSON::Parser parser;
    while (std::getline(labels, line))
    {
        if (line.empty())
            continue;
        parser.reset();
        const auto label = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        const std::string file = label->getValue<std::string>("file");
        const std::string labelKind = label->getValue<std::string>("kind");
        const std::string mta = label->getValue<std::string>("mta");
        std::ifstream in(kCorpus + "/messages/" + file, std::ios::binary);
        ASSERT_TRUE(in) << file;
        std::ostringstream bytes;
        bytes << in.rdbuf();
        const verpmail::ParsedReturn got = verpmail::parseReturn(bytes.str());
        ++messages;

        std::set<std::string> gotAddresses, gotReasons, gotHard;
        for (const auto& r : got.recipients)
        {
            gotAddresses.insert(lower(r.address));
            if (!isNonFailureReason(r.reason) && !r.reason.empty())
            {
                gotReasons.insert(r.reason);
                gotHard.insert(r.bounceClass == verpmail::BounceClass::Hard ? "hard" : "nothard");
            }
        }

        // Reference values.
        std::set<std::string> refAddresses, refReasons, refHard;
        const auto sisimai = label->getArray("sisimai");
        for (std::size_t i = 0; i < sisimai->size(); ++i)
        {
            const auto s = sisimai->getObject(static_cast<unsigned>(i));
            const std::string address = lower(s->optValue<std::string>("recipient", ""));
            if (!address.empty() && !endsWith(address, ".invalid"))
                refAddresses.insert(address);
        }
        const auto upstream = label->getObject("upstream");
        if (upstream)
        {
            const auto expected = upstream->getArray("expected");
            for (std::size_t i = 0; i < expected->size(); ++i)
            {
                const auto e = expected->getObject(static_cast<unsigned>(i));
                const std::string rs = e->optValue<std::string>("reason", "");
                if (isNonFailureReason(rs))
                    continue;
                refReasons.insert(rs);
                refHard.insert(e->optValue<bool>("hard", false) ? "hard" : "nothard");
            }
        }
        else
        {
            for (std::size_t i = 0; i < sisimai->size(); ++i)
            {
                const auto s = sisimai->getObject(static_cast<unsigned>(i));
                const std::string rs = s->optValue<std::string>("reason", "");
                if (isNonFailureReason(rs))
                    continue;
                refReasons.insert(rs);
                if (!s->isNull("soft"))
                    refHard.insert(s->getValue<bool>("soft") ? "nothard" : "hard");
            }
        }

        auto report = [&](const char* what, const std::string& want, const std::string& have) {
            if (verbose)
                std::cout << "MISMATCH " << what << " " << file << " want=" << want << " got=" << have
                          << " kind=" << verpmail::toString(got.kind) << "\n";
        };
        bool postfixOk = true;
        if (!refAddresses.empty())
        {
            ++recipient.total;
            const bool ok = std::includes(gotAddresses.begin(), gotAddresses.end(), refAddresses.begin(), refAddresses.end());
            recipient.agree += ok;
            postfixOk = postfixOk && ok;
            if (!ok)
                report("recipient", join(refAddresses), join(gotAddresses));
        }
        if (labelKind == "bounce" && !refHard.empty())
        {
            ++hard.total;
            const bool ok = gotHard == refHard;
            hard.agree += ok;
            postfixOk = postfixOk && ok;
            if (!ok)
                report("hard", join(refHard), join(gotHard));
        }
        if (labelKind == "bounce" && !refReasons.empty())
        {
            ++reason.total;
            const bool ok = gotReasons == refReasons;
            reason.agree += ok;
            postfixOk = postfixOk && ok;
            if (!ok)
            {
                std::string diag = got.recipients.empty() ? "" : got.recipients.front().diagnostic.substr(0, 160);
                report("reason", join(refReasons), join(gotReasons) + " status=" +
                                                       (got.recipients.empty() ? "" : got.recipients.front().status) +
                                                       " diag=" + diag);
            }
        }
        if (labelKind == "complaint" || labelKind == "autoreply")
        {
            ++kind.total;
            const auto want = labelKind == "complaint" ? verpmail::ReturnKind::Complaint : verpmail::ReturnKind::AutoReply;
            kind.agree += got.kind == want;
            if (got.kind != want)
                report("kind", labelKind, verpmail::toString(got.kind));
        }
        if (mta == "lhost-postfix")
        {
            ++postfix.total;
            postfix.agree += postfixOk;
        }
    }

    std::cout << "corpus messages: " << messages << "\n";
    for (const Figure* f : {&recipient, &hard, &reason, &kind, &postfix})
        std::printf("%-32s %4d / %4d = %6.2f %%\n", f->name, f->agree, f->total, f->percent());

    // Issue 3 targets: recipient 97, hard 95, reason 85, kind 98, all met. Asserted at
    // the level reached (rounded down), so a regression fails. Measured: recipient
    // 99.3, hard 95.3, reason 87.0, kind 100, postfix 96.0 (the two misses are
    // lhost-postfix-74/-80, where the reference labels look wrong). Most remaining
    // reason misses are Sisimai's own per-MTA verdicts (e.g. "User unknown" without a
    // code or stage read as "filtered") or references that disagree among themselves.
    EXPECT_GE(recipient.percent(), 99.0);
    EXPECT_GE(hard.percent(), 95.0);
    EXPECT_GE(reason.percent(), 86.0);
    EXPECT_GE(kind.percent(), 100.0);
    EXPECT_GE(postfix.percent(), 96.0);
}
