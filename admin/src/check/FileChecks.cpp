#include "check/FileChecks.h"

#include <algorithm>

namespace verpmail::check {
namespace {

std::string readerNames(const std::vector<Account>& readers)
{
    std::string names;
    for (const Account& a : readers) {
        const std::string name = a.name.empty() ? "uid " + std::to_string(a.uid) : a.name;
        if (names.find(name) == std::string::npos)
            names += (names.empty() ? "" : ", ") + name;
    }
    return names;
}

} // namespace

void checkFile(const FileUse& use, const std::optional<FileFacts>& facts,
               const std::vector<std::pair<std::string, FileFacts>>& dirs, CheckReport& report)
{
    const std::string name = "file." + use.key;
    if (!facts) {
        report.fail(name, "missing", "create it, or point " + use.key + " at it", use.path);
        return;
    }
    std::vector<FileProblem> problems;
    for (const Account& reader : use.readers) {
        std::vector<FileProblem> found = fileProblems(use.path, *facts, reader, use.rule);
        if (std::optional<FileProblem> p = pathProblem(dirs, reader))
            found.push_back(*p);
        for (FileProblem& p : found) {
            // Two readers may meet the same problem (the mode): say it once.
            const bool seen = std::any_of(problems.begin(), problems.end(),
                                          [&](const FileProblem& q) { return q.found == p.found; });
            if (!seen)
                problems.push_back(std::move(p));
        }
    }
    for (const FileProblem& p : problems)
        report.fail(name, p.found, p.fix, use.path);
    if (problems.empty())
        report.ok(name, "mode " + octalMode(facts->mode) + ", owner " + userName(facts->uid) + ", readable by " +
                            readerNames(use.readers), use.path);
}

void checkFiles(const std::vector<FileUse>& uses, CheckReport& report)
{
    for (const FileUse& use : uses)
        checkFile(use, statPath(use.path), parentDirectories(use.path), report);
}

} // namespace verpmail::check
