#include "check/CheckReport.h"

#include "verpmail/util/Printable.h"

namespace verpmail::check {
namespace {

constexpr std::size_t kMaxValue = 400;

// A value in double quotes: printable, bounded, inner quotes and backslashes escaped,
// so one line stays one line and its fields can be split again.
std::string quoted(const std::string& value)
{
    std::string out = "\"";
    for (char c : printable(value, kMaxValue)) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

const char* verdictWord(Verdict v)
{
    switch (v) {
    case Verdict::Ok: return "ok  ";
    case Verdict::Warn: return "warn";
    case Verdict::Fail: return "FAIL";
    }
    return "FAIL";
}

} // namespace

void CheckReport::ok(const std::string& name, const std::string& found, const std::string& file)
{
    add({Verdict::Ok, name, file, found, ""});
}

void CheckReport::warn(const std::string& name, const std::string& found, const std::string& fix, const std::string& file)
{
    add({Verdict::Warn, name, file, found, fix});
}

void CheckReport::fail(const std::string& name, const std::string& found, const std::string& fix, const std::string& file)
{
    add({Verdict::Fail, name, file, found, fix});
}

void CheckReport::add(CheckLine line)
{
    _lines.push_back(std::move(line));
}

std::size_t CheckReport::count(Verdict verdict) const
{
    std::size_t n = 0;
    for (const CheckLine& line : _lines)
        n += line.verdict == verdict ? 1 : 0;
    return n;
}

void CheckReport::print(std::ostream& out) const
{
    for (const CheckLine& line : _lines)
        out << formatLine(line) << "\n";
    out << summaryLine(*this) << "\n";
}

std::string formatLine(const CheckLine& line)
{
    std::string out = std::string(verdictWord(line.verdict)) + " check=" + printable(line.name, 80);
    if (!line.file.empty())
        out += " file=" + quoted(line.file);
    out += " found=" + quoted(line.found);
    if (!line.fix.empty())
        out += " fix=" + quoted(line.fix);
    return out;
}

std::string summaryLine(const CheckReport& report)
{
    return std::string("check result=") + (report.passed() ? "ok" : "FAIL") +
           " passed=" + std::to_string(report.count(Verdict::Ok)) +
           " warnings=" + std::to_string(report.count(Verdict::Warn)) +
           " failed=" + std::to_string(report.count(Verdict::Fail));
}

} // namespace verpmail::check
