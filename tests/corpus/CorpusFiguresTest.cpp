// CorpusFiguresTest: the issue 3 acceptance figures over the development corpus.
//
// Runs the program as an operator would, "verpmail-bouncer --parse FILE..." over every
// message, and reads its JSON lines.
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
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Path.h>
#include <Poco/Process.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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

/// What verpmail-bouncer --parse printed for one file: the kind and its recipients.
struct Parsed
{
    std::string kind;
    Poco::JSON::Array::Ptr recipients;
};

/// What `program` prints on stdout for "--parse" and the corpus files (paths under
/// messages/), with its exit status.
std::string parseOutput(const std::string& program, const std::vector<std::string>& files, int& exitStatus)
{
    std::vector<std::string> args{"--parse"};
    for (const auto& f : files)
        args.push_back(kCorpus + "/messages/" + f);
    Poco::Pipe out;
    Poco::ProcessHandle handle = Poco::Process::launch(program, args, nullptr, &out, nullptr);
    Poco::PipeInputStream stream(out);
    std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    exitStatus = handle.wait();
    return text;
}

/// Runs VERPMAIL_BOUNCER --parse over the files (paths under the corpus' messages/)
/// and returns its lines by file, with the program's exit status.
std::map<std::string, Parsed> runParse(const std::vector<std::string>& files, int& exitStatus)
{
    std::istringstream stream(parseOutput(VERPMAIL_BOUNCER, files, exitStatus));
    std::map<std::string, Parsed> byFile;
    Poco::JSON::Parser parser;
    std::string line;
    const std::string prefix = kCorpus + "/messages/";
    while (std::getline(stream, line))
    {
        parser.reset();
        const auto object = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        std::string file = object->getValue<std::string>("file");
        if (file.compare(0, prefix.size(), prefix) == 0)
            file.erase(0, prefix.size());
        byFile[file] = Parsed{object->getValue<std::string>("kind"), object->getArray("recipients")};
    }
    return byFile;
}

/// The reference labels (labels.jsonl), one per corpus message; none without the corpus.
std::vector<Poco::JSON::Object::Ptr> readLabels()
{
    std::vector<Poco::JSON::Object::Ptr> labels;
    std::ifstream in(kCorpus + "/labels.jsonl");
    std::string line;
    Poco::JSON::Parser parser;
    while (std::getline(in, line))
        if (!line.empty())
        {
            parser.reset();
            labels.push_back(parser.parse(line).extract<Poco::JSON::Object::Ptr>());
        }
    return labels;
}

/// The corpus files the labels name (paths under messages/).
std::vector<std::string> filesOf(const std::vector<Poco::JSON::Object::Ptr>& labels)
{
    std::vector<std::string> files;
    for (const auto& label : labels)
        files.push_back(label->getValue<std::string>("file"));
    return files;
}

} // namespace

TEST(CorpusFigures, MeetsIssue3Targets)
{
    const std::vector<Poco::JSON::Object::Ptr> labelList = readLabels();
    // No corpus is a failure: the figures are what this test guards.
    ASSERT_FALSE(labelList.empty()) << "no corpus at " << kCorpus << " (labels.jsonl missing or empty)";
    const bool verbose = std::getenv("VERPMAIL_CORPUS_VERBOSE") != nullptr;

    Figure recipient{"recipient found"};
    Figure hard{"hard flag agrees"};
    Figure reason{"reason agrees"};
    Figure kind{"complaint/autoreply kind"};
    Figure postfix{"postfix recipient+hard+reason"};
    int messages = 0;

    int exitStatus = -1;
    const std::map<std::string, Parsed> parsed = runParse(filesOf(labelList), exitStatus);
    EXPECT_EQ(exitStatus, 0) << VERPMAIL_BOUNCER << " --parse";

    for (const auto& label : labelList)
    {
        const std::string file = label->getValue<std::string>("file");
        const std::string labelKind = label->getValue<std::string>("kind");
        const std::string mta = label->getValue<std::string>("mta");
        const auto found = parsed.find(file);
        ASSERT_NE(found, parsed.end()) << "no line for " << file;
        const Parsed& got = found->second;
        ++messages;

        std::set<std::string> gotAddresses, gotReasons, gotHard;
        for (std::size_t i = 0; i < got.recipients->size(); ++i)
        {
            const auto r = got.recipients->getObject(static_cast<unsigned>(i));
            const std::string gotReason = r->getValue<std::string>("reason");
            gotAddresses.insert(lower(r->getValue<std::string>("address")));
            if (!isNonFailureReason(gotReason) && !gotReason.empty())
            {
                gotReasons.insert(gotReason);
                gotHard.insert(r->getValue<std::string>("class") == "hard" ? "hard" : "nothard");
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
                          << " kind=" << got.kind << "\n";
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
                const auto first = got.recipients->size() == 0 ? nullptr : got.recipients->getObject(0);
                const std::string diag = first ? first->getValue<std::string>("diagnostic").substr(0, 160) : "";
                report("reason", join(refReasons), join(gotReasons) + " status=" +
                                                       (first ? first->getValue<std::string>("status") : "") +
                                                       " diag=" + diag);
            }
        }
        if (labelKind == "complaint" || labelKind == "autoreply")
        {
            ++kind.total;
            kind.agree += got.kind == labelKind;
            if (got.kind != labelKind)
                report("kind", labelKind, got.kind);
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
