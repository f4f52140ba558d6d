// ReportQueries: the counts every report is built from.
//
// Sends and returns are read from the counts_* tables the writers keep
// (sql/005_report_counters.sql, verpmail/store/ReportCounters.h), so a report over a
// year reads a few thousand small rows. They count every return ever recorded,
// purged or not, so a report's totals are the same before and after a purge.
//
// A window starts at a time (`since`) and the counters are per day: a report counts
// the whole days from the window's first day and subtracts that day's rows from
// before `since`, which are still in bounce_logs and send_log unless purged (a purged
// day counts whole when a window starts inside it). Domains are counted per day only
// for the rest of the window's first month and per month after it.
//
// Sent counts are accepted and rejected messages, on the day they were settled. The
// bounce rate is (hard + soft + block) / (accepted + rejected).
#pragma once

#include "verpmail/report/ReportModel.h"

#include "verpmail/store/ReportCounters.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

/// What sends and returns can be grouped by.
enum class GroupKey { Day, Domain, Campaign };

/// The bounce_type values, in report order.
inline constexpr const auto& kReturnClasses = kReturnColumns;

struct ClassCounts
{
    std::array<std::int64_t, kReturnClasses.size()> byClass{};

    std::int64_t of(const char* bounceType) const;
    std::int64_t total() const;
    /// hard + soft + block: the failures a bounce rate counts.
    std::int64_t bounces() const;
};

struct SentCounts
{
    std::int64_t accepted = 0;
    std::int64_t rejected = 0;
    std::int64_t sent() const { return accepted + rejected; }
};

/// What was sent to and returned from one key (a day, a domain, a campaign).
struct Tally
{
    SentCounts sent;
    ClassCounts returns;

    Tally& operator+=(const Tally& other);
};

/// Filters: a window (nullptr: all time), or one campaign, all its history.
struct ReportScope
{
    const ReportWindow* window = nullptr;
    std::optional<std::string> campaign;
};

/// Sends and returns per value of `key`; unknown domains and campaigns are "".
/// Only keys with something sent or returned in the scope. One campaign's counts
/// are kept per domain and reason only: a campaign scope takes GroupKey::Domain.
/// @throws std::logic_error for a scope the counters do not keep.
std::map<std::string, Tally> talliesBy(MysqlConnection& db, const ReportScope& scope, GroupKey key);

/// Returns per (class, reason), the classes and reasons with any.
std::map<std::pair<std::string, std::string>, std::int64_t> returnsByReason(MysqlConnection& db, const ReportScope& scope);

/// Bounces per 100 sent, or null when nothing was sent.
Cell bounceRate(std::int64_t bounces, std::int64_t sent);

/// The column list shared by the tables that split returns by class:
/// returns, hard, soft, block, complaint, autoreply, none, unattributed.
std::vector<Column> classColumns();
/// The cells for classColumns().
std::vector<Cell> classCells(const ClassCounts& counts);

} // namespace verpmail
