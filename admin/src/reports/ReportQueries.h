// ReportQueries: the counts every report is built from.
//
// Returns come from two places: bounce_daily (the days `purge` rolled up) and the
// live bounce_logs rows (the days it did not). Each is grouped on the server and
// the two results are added, so a report's totals are the same before and after a
// purge. A purged day counts whole when a window starts inside it.
//
// Sent counts come from send_log: accepted and rejected messages, by the time they
// were settled. The bounce rate is (hard + soft + block) / (accepted + rejected).
#pragma once

#include "reports/ReportModel.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

/// The receiving domain of a bounce_logs row: its domain column, or for rows
/// written before it existed, the domain of its address; '' when unattributed.
/// Purge rolls up with the same expression the reports group by.
extern const char* const kReturnDomainSql;

/// What returns and sends can be grouped by. Sends have no class or reason.
enum class GroupKey { Day, Domain, Class, Reason, Campaign };

/// The bounce_type values, in report order.
constexpr std::array<const char*, 7> kReturnClasses = {"hard", "soft", "block", "complaint", "autoreply", "none",
                                                      "unattributed"};

struct ClassCounts
{
    std::array<std::int64_t, kReturnClasses.size()> byClass{};

    void add(const std::string& bounceType, std::int64_t n);
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

/// Filters: the window (nullptr: all time) and optionally one campaign.
struct ReportScope
{
    const ReportWindow* window = nullptr;
    std::optional<std::string> campaign;
};

/// Returns per value of `key` (Day, Domain, Reason, Campaign), split by class.
/// Unknown domains and campaigns are "".
std::map<std::string, ClassCounts> returnsByClass(MysqlConnection& db, const ReportScope& scope, GroupKey key);

/// Sends per value of `key` (Day, Domain or Campaign).
std::map<std::string, SentCounts> sentBy(MysqlConnection& db, const ReportScope& scope, GroupKey key);

/// Returns per (class, reason).
std::map<std::pair<std::string, std::string>, std::int64_t> returnsByReason(MysqlConnection& db, const ReportScope& scope);

/// Bounces per 100 sent, or null when nothing was sent.
Cell bounceRate(std::int64_t bounces, std::int64_t sent);

/// The column list shared by the tables that split returns by class:
/// returns, hard, soft, block, complaint, autoreply, none, unattributed.
std::vector<Column> classColumns();
/// The cells for classColumns().
std::vector<Cell> classCells(const ClassCounts& counts);

} // namespace verpmail
