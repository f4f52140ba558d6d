#include "ParseCommand.h"

#include "FileListReader.h"
#include "ReturnJson.h"

#include "verpmail/bounce/BounceParser.h"
#include "verpmail/util/Printable.h"

#include <malloc.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>

namespace verpmail {
namespace {

/// Writes what is pending to stdout and empties it.
void flushTo(std::string& pending)
{
    std::fwrite(pending.data(), 1, pending.size(), stdout);
    pending.clear();
}

// Performance: glibc gives the top of the heap back to the kernel whenever more than
// 128 KB of it is free, which a large return (its decoded parts, its line-end
// normalised copy) leaves behind; the next large one then takes fresh pages, and
// the kernel's zeroing of them cost as much as 5% of a run over many files. One
// process parses one file at a time, so what it keeps is bounded by the largest
// return it met (ParseLimits::maxBytes and its copies).
void keepFreedHeap()
{
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

} // namespace

ExitStatus runParseCommand(const std::vector<std::string>& files)
{
    if (files.empty()) {
        std::fprintf(stderr, "verpmail-bouncer: --parse needs at least one FILE (see --help)\n");
        return ExitStatus::Usage;
    }
    keepFreedHeap();
    // Output is gathered and written in large chunks: a stream insertion per line
    // cost more than the JSON itself.
    constexpr std::size_t kFlushBytes = 1 << 16;
    std::string out;
    ExitStatus status = ExitStatus::Ok;
    const ParseLimits limits;
    FileListReader reader(limits.maxBytes);
    for (const std::string& file : files) {
        const std::optional<std::string_view> data = reader.read(file);
        if (!data) {
            flushTo(out);  // keeps the lines before it ahead of the message
            std::fflush(stdout);
            std::fprintf(stderr, "verpmail-bouncer: cannot read %s: %s\n", printable(file).c_str(), std::strerror(errno));
            status = ExitStatus::NoInput;
            continue;
        }
        appendReturnJson(out, file, parseReturn(*data, limits));
        out += '\n';
        if (out.size() >= kFlushBytes)
            flushTo(out);
    }
    flushTo(out);
    std::fflush(stdout);
    return status;
}

} // namespace verpmail
