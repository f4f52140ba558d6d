#include "check/Postconf.h"

#include <Poco/Exception.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <unistd.h>

namespace verpmail::check {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;

std::string firstLine(const std::string& text)
{
    return Poco::trim(text.substr(0, text.find('\n')));
}

// stderr shares the pipe: drop the tools' warnings (an unused parameter elsewhere in
// main.cf), which would otherwise read as part of a value.
std::string withoutWarnings(const std::string& text)
{
    std::string kept;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        end = end == std::string::npos ? text.size() : end + 1;
        const std::string line = text.substr(start, end - start);
        if (line.find(": warning: ") == std::string::npos)
            kept += line;
        start = end;
    }
    return kept;
}

} // namespace

CommandResult runCommand(const std::string& program, const std::vector<std::string>& args)
{
    // Postfix's tools live in /usr/sbin, which an ordinary user's PATH may lack.
    std::string path = program;
    if (program.find('/') == std::string::npos && ::access(("/usr/sbin/" + program).c_str(), X_OK) == 0)
        path = "/usr/sbin/" + program;
    CommandResult result;
    try {
        Poco::Pipe out;
        // The same pipe for stdout and stderr: Poco merges them, and one reader
        // cannot deadlock on the other stream filling up.
        Poco::ProcessHandle handle = Poco::Process::launch(path, args, nullptr, &out, &out);
        Poco::PipeInputStream in(out);
        char buffer[4096];
        while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
            if (result.output.size() < kMaxOutput)
                result.output.append(buffer, static_cast<std::size_t>(in.gcount()));
        }
        result.status = handle.wait();
    } catch (const Poco::Exception& e) {
        result.status = -1;
        result.output = "cannot run " + path + ": " + e.displayText();
    }
    return result;
}

std::optional<std::string> Postconf::works(std::string& problem) const
{
    const CommandResult r = runCommand("postconf", {"-c", _dir, "-h", "mail_version"});
    if (r.status == 0)
        return firstLine(withoutWarnings(r.output));
    problem = firstLine(withoutWarnings(r.output));
    return std::nullopt;
}

std::optional<std::string> Postconf::parameter(const std::string& name) const
{
    const CommandResult r = runCommand("postconf", {"-c", _dir, "-x", "-h", name});
    if (r.status != 0 || r.output.find("unknown parameter") != std::string::npos)
        return std::nullopt;
    // Long values are folded over several lines; one line is easier to search.
    std::string joined = Poco::trim(withoutWarnings(r.output));
    for (char& c : joined)
        if (c == '\n' || c == '\t')
            c = ' ';
    return joined;
}

std::optional<std::string> Postconf::service(const std::string& name, const std::string& type) const
{
    const CommandResult r = runCommand("postconf", {"-c", _dir, "-M", name + "/" + type});
    const std::string line = firstLine(withoutWarnings(r.output));
    if (r.status != 0 || line.empty())
        return std::nullopt;
    return line;
}

std::optional<std::string> Postconf::serviceParameter(const std::string& service, const std::string& type,
                                                      const std::string& param) const
{
    const CommandResult r = runCommand("postconf", {"-c", _dir, "-P", service + "/" + type + "/" + param});
    const std::string line = firstLine(withoutWarnings(r.output));
    if (r.status != 0 || line.find('=') == std::string::npos)
        return std::nullopt;
    return valueAfterEquals(line);
}

std::optional<std::string> Postconf::lookup(const std::string& map, const std::string& key, std::string& problem) const
{
    const CommandResult r = runCommand("postmap", {"-c", _dir, "-q", key, map});
    if (r.status != 0) {
        // Not found is a silent exit 1; a map that cannot be opened says why.
        problem = firstLine(withoutWarnings(r.output));
        return std::nullopt;
    }
    return firstLine(withoutWarnings(r.output));
}

std::vector<std::string> splitPostfixList(const std::string& value, const std::string& separators)
{
    const Poco::StringTokenizer tokens(value, separators, Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    return {tokens.begin(), tokens.end()};
}

std::string valueAfterEquals(const std::string& line)
{
    const auto eq = line.find('=');
    return eq == std::string::npos ? "" : Poco::trim(line.substr(eq + 1));
}

} // namespace verpmail::check
