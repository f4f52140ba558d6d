#include "verpmail/report/ReportWindow.h"

#include <cctype>
#include <cstdio>

namespace verpmail {
namespace {

constexpr long kMaxDays = 36500;

bool allDigits(const std::string& s)
{
    if (s.empty())
        return false;
    for (unsigned char c : s)
        if (!std::isdigit(c))
            return false;
    return true;
}

std::optional<std::time_t> parseDate(const std::string& text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !allDigits(text.substr(0, 4)) ||
        !allDigits(text.substr(5, 2)) || !allDigits(text.substr(8, 2)))
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(text.substr(8, 2));
    const int year = tm.tm_year, month = tm.tm_mon, day = tm.tm_mday;
    const std::time_t t = timegm(&tm);
    // timegm normalises 2026-02-31 to March: a round trip that changes the date is invalid.
    if (t == static_cast<std::time_t>(-1) || tm.tm_year != year || tm.tm_mon != month || tm.tm_mday != day ||
        year < 70)
        return std::nullopt;
    return t;
}

} // namespace

std::string utcDateTime(std::time_t t)
{
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
    return buffer;
}

std::optional<ReportWindow> parseWindow(const std::string& text, std::time_t now)
{
    std::optional<std::time_t> since;
    if (text.size() >= 2 && text.size() <= 8 && (text.back() == 'd' || text.back() == 'h') &&
        allDigits(text.substr(0, text.size() - 1))) {
        const long n = std::stol(text.substr(0, text.size() - 1));
        const long seconds = text.back() == 'd' ? n * 86400L : n * 3600L;
        if (n < 1 || seconds > kMaxDays * 86400L)
            return std::nullopt;
        since = now - static_cast<std::time_t>(seconds);
    } else {
        since = parseDate(text);
    }
    if (!since)
        return std::nullopt;
    ReportWindow w;
    w.since = utcDateTime(*since);
    w.sinceDay = w.since.substr(0, 10);
    w.until = utcDateTime(now);
    w.text = text;
    return w;
}

} // namespace verpmail
