// CorpusData: runs the program as an operator would, "verpmail-bouncer --parse FILE..."
// over every labelled message, and pairs its JSON lines with the reference labels.
#include "CorpusData.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace corpus {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// What the bouncer printed for one file.
struct Parsed
{
    std::string kind;
    Array::Ptr recipients;
};

std::string parseOutput(const std::vector<std::string>& files, int& exitStatus)
{
    std::vector<std::string> args{"--parse"};
    for (const auto& f : files)
        args.push_back(corpusDir() + "/messages/" + f);
    Poco::Pipe out;
    Poco::ProcessHandle handle = Poco::Process::launch(VERPMAIL_BOUNCER, args, nullptr, &out, nullptr);
    Poco::PipeInputStream stream(out);
    std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    exitStatus = handle.wait();
    return text;
}

std::map<std::string, Parsed> runParse(const std::vector<std::string>& files, int& exitStatus)
{
    std::istringstream stream(parseOutput(files, exitStatus));
    std::map<std::string, Parsed> byFile;
    Poco::JSON::Parser parser;
    std::string line;
    const std::string prefix = corpusDir() + "/messages/";
    while (std::getline(stream, line))
    {
        parser.reset();
        const auto object = parser.parse(line).extract<Object::Ptr>();
        std::string file = object->getValue<std::string>("file");
        if (file.compare(0, prefix.size(), prefix) == 0)
            file.erase(0, prefix.size());
        byFile[file] = Parsed{object->getValue<std::string>("kind"), object->getArray("recipients")};
    }
    return byFile;
}

std::vector<Object::Ptr> readLabels()
{
    std::vector<Object::Ptr> labels;
    std::ifstream in(corpusDir() + "/labels.jsonl");
    std::string line;
    Poco::JSON::Parser parser;
    while (std::getline(in, line))
        if (!line.empty())
        {
            parser.reset();
            labels.push_back(parser.parse(line).extract<Object::Ptr>());
        }
    return labels;
}

/// The reference: Sisimai's recipients; reasons and hard flags from the upstream
/// (go-sisimai) expectations where present, else from Sisimai's own output.
Verdicts referenceOf(const Object::Ptr& label)
{
    Verdicts ref;
    const auto sisimai = label->getArray("sisimai");
    for (std::size_t i = 0; i < sisimai->size(); ++i)
    {
        const std::string address = lower(sisimai->getObject(static_cast<unsigned>(i))->optValue<std::string>("recipient", ""));
        if (!address.empty() && !endsWith(address, ".invalid"))
            ref.addresses.insert(address);
    }
    const auto upstream = label->getObject("upstream");
    const auto entries = upstream ? upstream->getArray("expected") : sisimai;
    for (std::size_t i = 0; i < entries->size(); ++i)
    {
        const auto e = entries->getObject(static_cast<unsigned>(i));
        const std::string reason = e->optValue<std::string>("reason", "");
        if (isNonFailureReason(reason))
            continue;
        ref.reasons.insert(reason);
        if (upstream)
            ref.hard.insert(e->optValue<bool>("hard", false) ? "hard" : "nothard");
        else if (!e->isNull("soft"))
            ref.hard.insert(e->getValue<bool>("soft") ? "nothard" : "hard");
    }
    return ref;
}

void fillGot(const Parsed& parsed, Message& message)
{
    message.gotKind = parsed.kind;
    for (std::size_t i = 0; i < parsed.recipients->size(); ++i)
    {
        const auto r = parsed.recipients->getObject(static_cast<unsigned>(i));
        const std::string reason = r->getValue<std::string>("reason");
        message.got.addresses.insert(lower(r->getValue<std::string>("address")));
        if (!isNonFailureReason(reason) && !reason.empty())
        {
            message.got.reasons.insert(reason);
            message.got.hard.insert(r->getValue<std::string>("class") == "hard" ? "hard" : "nothard");
        }
        if (i == 0)
        {
            message.gotStatus = r->getValue<std::string>("status");
            message.gotDiagnostic = r->getValue<std::string>("diagnostic").substr(0, 160);
        }
    }
}

} // namespace

bool isNonFailureReason(const std::string& reason)
{
    return reason == "delivered" || reason == "feedback" || reason == "vacation";
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string join(const std::set<std::string>& values)
{
    std::string out;
    for (const auto& v : values)
        out += (out.empty() ? "" : ",") + v;
    return out;
}

const std::string& corpusDir()
{
    static const std::string dir = VERPMAIL_CORPUS_DIR;
    return dir;
}

std::vector<Message> loadCorpus(int& exitStatus)
{
    const std::vector<Object::Ptr> labels = readLabels();
    std::vector<Message> messages;
    if (labels.empty())
        return messages;
    std::vector<std::string> files;
    for (const auto& label : labels)
        files.push_back(label->getValue<std::string>("file"));
    const std::map<std::string, Parsed> parsed = runParse(files, exitStatus);
    for (const auto& label : labels)
    {
        Message m;
        m.file = label->getValue<std::string>("file");
        m.mta = label->getValue<std::string>("mta");
        m.kind = label->getValue<std::string>("kind");
        m.reference = referenceOf(label);
        const auto found = parsed.find(m.file);
        if (found == parsed.end())
            throw std::runtime_error("no --parse line for " + m.file);
        fillGot(found->second, m);
        messages.push_back(std::move(m));
    }
    return messages;
}

std::string readMessage(const std::string& file)
{
    std::ifstream in(corpusDir() + "/messages/" + file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace corpus
