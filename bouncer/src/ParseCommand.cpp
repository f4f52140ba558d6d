#include "ParseCommand.h"

#include "FileListReader.h"
#include "ReturnJson.h"

#include "verpmail/bounce/BounceParser.h"
#include "verpmail/util/Printable.h"

#include <malloc.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

namespace verpmail {
namespace {

// The lines written, gathered and handed to stdout in large chunks: a stream
// insertion per line cost more than the JSON itself. Not a std::string: making room
// in one fills it with zeros first, which cost about as much as writing the line.
class OutputBuffer
{
public:
    static constexpr std::size_t kFlushBytes = 1 << 16;

    /// Room for `bytes` more at the end, flushing (and growing) first when needed.
    char* room(std::size_t bytes)
    {
        if (_capacity - _used < bytes) {
            flush();
            if (_capacity < bytes) {
                _capacity = std::max(bytes, 2 * kFlushBytes);
                _data.reset(new char[_capacity]);
            }
        }
        return _data.get() + _used;
    }

    /// Takes what was written up to `end` (within the room made), and writes the
    /// buffer out once it holds kFlushBytes.
    void commit(const char* end)
    {
        _used = static_cast<std::size_t>(end - _data.get());
        if (_used >= kFlushBytes)
            flush();
    }

    /// Writes what is pending to stdout.
    void flush()
    {
        if (_used != 0)
            std::fwrite(_data.get(), 1, _used, stdout);
        _used = 0;
    }

private:
    std::unique_ptr<char[]> _data;
    std::size_t _capacity = 0;
    std::size_t _used = 0;
};

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
    OutputBuffer out;
    ExitStatus status = ExitStatus::Ok;
    const ParseLimits limits;
    FileListReader reader(limits.maxBytes);
    for (const std::string& file : files) {
        const std::optional<std::string_view> data = reader.read(file);
        if (!data) {
            out.flush();  // keeps the lines before it ahead of the message
            std::fflush(stdout);
            std::fprintf(stderr, "verpmail-bouncer: cannot read %s: %s\n", printable(file).c_str(), std::strerror(errno));
            status = ExitStatus::NoInput;
            continue;
        }
        const ParsedReturn parsed = parseReturn(*data, limits);
        char* const line = out.room(returnJsonBound(file, parsed) + 1);
        char* const end = writeReturnJson(line, file, parsed);
        *end = '\n';
        out.commit(end + 1);
    }
    out.flush();
    std::fflush(stdout);
    return status;
}

} // namespace verpmail
