// ReturnContract: what every outcome of taking a return means to Postfix.
//
// The one place that maps an outcome to a pipe(8) exit status (with its one status
// line) or to an LMTP/policy reply. Postfix retries only on pipe exit 75 or an LMTP
// 4xx, so only what a retry can cure maps there: a database or configuration that is
// down, a time limit. A return that can never be recorded is refused with its reason
// (pipe 65 / LMTP 554: Postfix returns it to its sender and keeps no copy) instead
// of being deferred until Postfix gives up. The only 5xx for an address is at RCPT,
// for a local part that cannot be ours. Mail to the List-Unsubscribe address
// (UnsubscribeAddress.h) follows the same rule: 250 / 0 once the opt-out is committed
// or the request is known to be forged, 451 / 75 while the database or the
// unsubscribe key cannot be had.
//
//   PipeAnswer a = pipeAnswer(Outcome::DatabaseUnavailable, "connect: refused");
//   // a.exitStatus == 75, a.line == "4.3.0 verpmail-bouncer database unavailable: connect: refused"
//   std::string r = lmtpDataReply(Outcome::Recorded, "");   // "250 2.0.0 recorded"
#pragma once

#include <string>
#include <string_view>

namespace verpmail {

enum class Outcome
{
    Recorded,             ///< attributed to a member and stored
    Duplicate,            ///< the same return was stored before
    Unattributed,         ///< stored without a member
    Degraded,             ///< stored with text the database refused emptied
    Unsubscribed,         ///< mail to the unsubscribe address: the membership ended (or had)
    UnsubscribeRefused,   ///< mail to the unsubscribe address naming no membership: dropped
    NotOurs,              ///< the recipient cannot be a VERP address of ours
    Unrecordable,         ///< the database refuses it for good, even degraded
    DatabaseUnavailable,  ///< a transient database failure: retry
    ConfigurationError,   ///< unreadable or invalid configuration: retry once fixed
    UsageError,           ///< master.cf calls us wrongly: retry once fixed
    TimeLimit,            ///< bouncer.timeLimit reached
    RunAsRoot,            ///< refused to run as root
    InternalError,        ///< a bug: keep the return queued
};

/// True for the outcomes where the message is done with: the return safely stored,
/// or the unsubscribe request carried out (or dropped, for a token naming nobody).
bool isStored(Outcome outcome);

/// True for the outcomes a later retry can cure (pipe 75, LMTP 4xx).
bool isRetryable(Outcome outcome);

struct PipeAnswer
{
    int exitStatus = 0;  ///< 0, 75, or a sysexits code Postfix bounces on
    std::string line;    ///< "" for 0; otherwise "d.d.d text", one line, printable
};

/// The pipe(8) answer: exit status and the status line printed on stdout.
/// `detail` is untrusted: it is made printable and bounded here.
PipeAnswer pipeAnswer(Outcome outcome, std::string_view detail);

/// The LMTP reply for one recipient after DATA ("250 2.0.0 ...", "451 4.3.0 ...",
/// "554 5.6.0 ..."), without CRLF.
std::string lmtpDataReply(Outcome outcome, std::string_view detail);

/// Whether an envelope recipient at the bounce domain can be ours.
enum class RecipientStatus
{
    Ours,        ///< a VERP address we issued (or, in plain mode, one that decodes)
    NotOurs,     ///< cannot be ours: refuse it
    CannotTell,  ///< the check failed (database down): never refuse on that
};

/// The LMTP reply to RCPT TO: "250 2.1.5 ...", "550 5.1.1 ..." or, when the check
/// could not be made, "451 4.3.0 ..." (Postfix keeps the return queued).
std::string lmtpRcptReply(RecipientStatus status, std::string_view detail);

/// The Postfix policy delegation answer (the text after "action=") for a recipient
/// at the bounce domain: NotOurs is "550 5.1.1 ..."; everything else "DUNNO",
/// because a check that cannot be made must not refuse a return at SMTP time.
std::string policyAction(RecipientStatus status);

/// Short name for logs: "recorded", "duplicate", "deferred", ...
std::string_view outcomeName(Outcome outcome);

} // namespace verpmail
