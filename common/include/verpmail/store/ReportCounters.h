// ReportCounters: the counts_* tables reports read (sql/005_report_counters.sql).
//
// Each table counts sends (accepted, rejected) and returns (one column per
// bounce_type) by two keys, so a report over a year reads a few thousand rows
// instead of grouping every bounce_logs and send_log row in it. The writers count
// in the transaction that writes the row counted:
//
//   countReturn(db, id)                 ReturnRecorder, after inserting bounce_logs row id
//   countSends(db, campaign, emails)    CampaignQueue::settle, after settling those rows
//   uncountSends(db, countedSends(...))  `verpmail-admin campaign requeue`, for the
//                                        rejected rows it puts back in the queue
//
// and recountAll() rebuilds every table from its sources (bounce_logs, bounce_daily,
// send_log) for `verpmail-admin db recount`. What a source row counts under (its day,
// month, domain, campaign, reason, class) is defined once, by the counted_* views of
// sql/005; this file only names tables and columns. A return is counted by the
// count_return procedure (sql/006): one call per return instead of one statement per
// table, because under Postfix every return is a transaction of its own.
//
// Lock order: the tables in kCounterTables order, each in key order, and always as
// the last statements of the caller's transaction (the busiest rows, today's, are
// held only until the commit).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

/// The count columns for sends: send_log rows settled accepted or rejected.
inline constexpr std::array<const char*, 2> kSendColumns = {"accepted", "rejected"};
/// The count columns for returns: one per bounce_logs.bounce_type value, in report order.
inline constexpr std::array<const char*, 7> kReturnColumns = {"hard",      "soft", "block",       "complaint",
                                                             "autoreply", "none", "unattributed"};

struct CounterTable
{
    const char* name;
    std::array<const char*, 2> keys;  ///< the primary key, in order
    bool countsSends;                 ///< false: returns only (a send has no reason)
};

/// Every counts_* table, in lock order.
inline constexpr std::array<CounterTable, 6> kCounterTables = {{
    {"counts_day_campaign", {"day", "campaign"}, true},
    {"counts_day_domain", {"day", "domain"}, true},
    {"counts_month_domain", {"month", "domain"}, true},
    {"counts_campaign_domain", {"campaign", "domain"}, true},
    {"counts_day_reason", {"day", "bounce_reason"}, false},
    {"counts_campaign_reason", {"campaign", "bounce_reason"}, false},
}};

/// Counts bounce_logs row `id`, inserted in the caller's open transaction.
void countReturn(MysqlConnection& db, std::uint64_t id);

/// Counts the send_log rows of `campaign` for `emails` that the caller's open
/// transaction has just settled; rows not accepted or rejected count nowhere.
void countSends(MysqlConnection& db, const std::string& campaign, const std::vector<std::string>& emails);

/// Sends that count under the same keys (day, month, domain, campaign).
struct SendGroup
{
    std::map<std::string, std::string> keys;
    std::int64_t accepted = 0;
    std::int64_t rejected = 0;
};

/// How the send_log rows of `campaign` for `emails` count now (counted_sends): read
/// before the caller's transaction takes them out of 'accepted' or 'rejected'.
std::vector<SendGroup> countedSends(MysqlConnection& db, const std::string& campaign,
                                    const std::vector<std::string>& emails);

/// Takes `groups` (countedSends) back out of every table that counts sends, as the
/// last statements of the caller's transaction. A count never goes below zero.
void uncountSends(MysqlConnection& db, const std::vector<SendGroup>& groups);

/// Empties every counts_* table and counts every source row again, in the caller's
/// transaction (its locking reads make the writers wait until the commit).
void recountAll(MysqlConnection& db);

} // namespace verpmail
