// PurgeCommand: `purge --older-than 90d [--dry-run]`.
//
// Deletes bounce_logs rows (and so their raw messages) from before midnight UTC of
// the cutoff day, after adding them to the daily roll-up bounce_daily. Reports read
// the counters (ReportCounters.h), which count live and rolled-up rows alike and
// which purge leaves alone, so every report keeps its totals. Works in batches of
// 10,000 rows: each batch is rolled up, deleted and recorded in the audit row in one
// short transaction, so neither the bouncer nor a report waits long, and an
// interrupted purge leaves every row either live or rolled up, never both and never
// neither. send_log is left alone.
//
// Purge never changes what the policy decides. The cutoff must lie before the
// longest rule window (younger returns still count), and a rule that counts since
// the last reset (window 0, like the default hard and complaint rules) still needs
// the old returns it matches of addresses it has not suppressed yet: those rows are
// kept (reported as kept=N) until the policy has suppressed the address or a reset
// has made them history.
#pragma once

#include "verpmail/report/ReportModel.h"

#include "verpmail/policy/Policy.h"
#include "verpmail/util/ExitStatus.h"

#include <ostream>

namespace verpmail {

class MysqlConnection;

/// cutoff: from parseWindow(); rows before cutoff.sinceDay 00:00:00 go.
/// @throws AdminError (64) when the cutoff is inside a policy rule's window.
ExitStatus purgeReturns(MysqlConnection& db, const PolicySettings& policy, const ReportWindow& cutoff, bool dryRun,
                        std::ostream& out);

} // namespace verpmail
