#include "ApiQuery.h"

#include "WebRoutes.h"

#include "verpmail/report/ReportWindow.h"

#include <algorithm>

namespace verpmail::web {
namespace {

constexpr std::size_t kMaxAddress = 254;

bool decodeComponent(std::string_view text, std::string& out)
{
    std::string spaced(text);
    std::replace(spaced.begin(), spaced.end(), '+', ' ');
    return percentDecode(spaced, out);
}

std::optional<unsigned> pageSize(const std::string& text)
{
    if (text.empty() || text.size() > 3 || !std::all_of(text.begin(), text.end(), [](char c) {
            return c >= '0' && c <= '9';
        }))
        return std::nullopt;
    const unsigned n = static_cast<unsigned>(std::stoul(text));
    if (n < 1 || n > kMaxPageSize)
        return std::nullopt;
    return n;
}

/// Applies one parameter to `f`; the error message, or "" when it is good.
std::string apply(const std::string& name, const std::string& value, MemberFilter& f)
{
    if (name == "q") {
        if (value.empty() || value.size() > kMaxAddress)
            return "q must be 1-254 bytes";
        f.contains = value;
    } else if (name == "status") {
        if (value != "clean" && value != "soft" && value != "hard")
            return "status must be clean, soft or hard";
        f.status = value;
    } else if (name == "active") {
        if (value != "0" && value != "1")
            return "active must be 0 or 1";
        f.active = value == "1";
    } else if (name == "limit") {
        const std::optional<unsigned> n = pageSize(value);
        if (!n)
            return "limit must be 1-500";
        f.limit = *n;
    } else if (name == "after") {
        if (value.empty() || value.size() > kMaxAddress)
            return "after must be 1-254 bytes";
        f.after = value;
    } else {
        return "unknown parameter";
    }
    return "";
}

/// Applies one report parameter; the error message, or "" when it is good.
std::string applyReport(const std::string& name, const std::string& value, std::string& since,
                        ReportFormat& format)
{
    if (name == "since") {
        since = value;
    } else if (name == "format") {
        const std::optional<ReportFormat> f = parseReportFormat(value);
        if (!f || *f == ReportFormat::Table)
            return "format must be json, csv or html";
        format = *f;
    } else {
        return "unknown parameter";
    }
    return "";
}

} // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> queryPairs(std::string_view query)
{
    std::vector<std::pair<std::string, std::string>> pairs;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (part.empty())
            continue;
        const std::size_t eq = part.find('=');
        if (eq == std::string_view::npos)
            return std::nullopt;
        std::string name, value;
        if (!decodeComponent(part.substr(0, eq), name) || !decodeComponent(part.substr(eq + 1), value))
            return std::nullopt;
        pairs.emplace_back(std::move(name), std::move(value));
    }
    return pairs;
}

MemberQuery parseMemberQuery(std::string_view query)
{
    const auto pairs = queryPairs(query);
    if (!pairs)
        return {std::nullopt, "the query string cannot be decoded"};
    MemberFilter filter;
    filter.limit = kDefaultPageSize;
    std::vector<std::string> seen;
    for (const auto& [name, value] : *pairs) {
        if (std::find(seen.begin(), seen.end(), name) != seen.end())
            return {std::nullopt, "a parameter is given twice"};
        seen.push_back(name);
        const std::string error = apply(name, value, filter);
        if (!error.empty())
            return {std::nullopt, error};
    }
    return {filter, ""};
}

LimitQuery parseLimitQuery(std::string_view query)
{
    const auto pairs = queryPairs(query);
    if (!pairs)
        return {std::nullopt, "the query string cannot be decoded"};
    if (pairs->size() > 1)
        return {std::nullopt, "only limit is accepted"};
    if (pairs->empty())
        return {kDefaultPageSize, ""};
    const auto& [name, value] = pairs->front();
    if (name != "limit")
        return {std::nullopt, "unknown parameter"};
    const std::optional<unsigned> n = pageSize(value);
    if (!n)
        return {std::nullopt, "limit must be 1-500"};
    return {n, ""};
}

ReportQuery parseReportQuery(std::string_view query, std::time_t now)
{
    ReportQuery result;
    const auto pairs = queryPairs(query);
    if (!pairs) {
        result.error = "the query string cannot be decoded";
        return result;
    }
    std::string since = kDefaultReportSince;
    std::vector<std::string> seen;
    for (const auto& [name, value] : *pairs) {
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
            result.error = "a parameter is given twice";
            return result;
        }
        seen.push_back(name);
        result.error = applyReport(name, value, since, result.format);
        if (!result.error.empty())
            return result;
    }
    result.window = parseWindow(since, now);
    if (!result.window)
        result.error = "since must be Nd, Nh or YYYY-MM-DD";
    return result;
}

} // namespace verpmail::web
