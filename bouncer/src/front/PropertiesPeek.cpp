#include "PropertiesPeek.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace verpmail::front {
namespace {

// verpmail.properties is a few kilobytes; a file bigger than this is left to Poco.
constexpr std::size_t kMaxFileBytes = 64 * 1024;

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// string_view::substr throws, and the front links no libstdc++: slices by hand.
std::string_view slice(std::string_view s, std::size_t from, std::size_t length = std::string_view::npos)
{
    from = from < s.size() ? from : s.size();
    length = length < s.size() - from ? length : s.size() - from;
    return std::string_view(s.data() + from, length);
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (isBlank(s.front()) || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (isBlank(s.back()) || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool parseCount(std::string_view text, unsigned long long min, unsigned long long max, unsigned long long& value)
{
    if (text.empty() || text.size() > 19)
        return false;
    value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value >= min && value <= max;
}

/// One "key = value" line (Poco also accepts ':' or blanks as the separator).
/// False when the line is one this reader might read differently from Poco.
bool applyLine(std::string_view line, FrontSettings& settings)
{
    line = trimmed(line);
    if (line.empty() || line.front() == '#' || line.front() == '!')
        return true;
    std::size_t keyEnd = 0;
    while (keyEnd < line.size() && line[keyEnd] != '=' && line[keyEnd] != ':' && !isBlank(line[keyEnd]))
        ++keyEnd;
    const std::string_view key = slice(line, 0, keyEnd);
    std::string_view rest = trimmed(slice(line, keyEnd));
    if (!rest.empty() && (rest.front() == '=' || rest.front() == ':'))
        rest.remove_prefix(1);
    const std::string_view value = trimmed(rest);
    const bool ours = key == "bouncer.socket" || key == "bouncer.timeLimit" || key == "bouncer.maxMessageBytes";
    if (!ours)
        return true;
    if (value.find('\\') != std::string_view::npos || value.find("${") != std::string_view::npos)
        return false;

    unsigned long long n = 0;
    if (key == "bouncer.socket") {
        // The full program rejects what is not an absolute path that fits sun_path.
        if (value.empty() || value.front() != '/' || value.size() >= sizeof settings.socketPath)
            return false;
        std::memcpy(settings.socketPath, value.data(), value.size());
        settings.socketPath[value.size()] = '\0';
    } else if (key == "bouncer.timeLimit") {
        if (!parseCount(value, 1, 3600, n))
            return false;
        settings.timeLimitSeconds = static_cast<unsigned>(n);
    } else {
        if (!parseCount(value, 1, std::size_t{1} << 30, n))
            return false;
        settings.maxMessageBytes = static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

PeekResult peekProperties(const char* path, FrontSettings& settings)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return PeekResult::Unsure;
    static char buffer[kMaxFileBytes + 1];
    std::size_t size = 0;
    bool failed = false;
    for (;;) {
        const ssize_t got = ::read(fd, buffer + size, sizeof buffer - size);
        if (got < 0 && errno == EINTR)
            continue;
        failed = got < 0;
        if (got <= 0 || (size += static_cast<std::size_t>(got)) == sizeof buffer)
            break;
    }
    ::close(fd);
    if (failed || size == 0 || size > kMaxFileBytes)
        return PeekResult::Unsure;

    std::string_view text(buffer, size);
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = slice(text, 0, end);
        // A line continued onto the next one: Poco joins them, this reader does not.
        if (!trimmed(line).empty() && trimmed(line).back() == '\\')
            return PeekResult::Unsure;
        if (!applyLine(line, settings))
            return PeekResult::Unsure;
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    return PeekResult::Read;
}

} // namespace verpmail::front
