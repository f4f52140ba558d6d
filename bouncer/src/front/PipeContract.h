// PipeContract: how verpmail-bouncer's front answers Postfix's pipe(8).
//
// Exit 0 when the return was recorded; otherwise one "4.x.x text" line on stdout,
// which Postfix logs as the reason, and exit 75, so the return stays queued. No other
// status: Postfix bounces (drops) a return on any other code. The full program keeps
// the same contract; the front only ever passes its status through.
#pragma once

#include <string_view>

namespace verpmail::front {

inline constexpr int kOk = 0;
inline constexpr int kTempFail = 75;

/// Prints "prefix text" (bytes outside printable ASCII masked, length bounded),
/// cancels the time limit and returns kTempFail.
int tempfail(std::string_view prefix, std::string_view text);

/// "4.3.0 verpmail-bouncerd unavailable: what[: strerror(error)]", kTempFail.
int daemonUnavailable(const char* what, int error = 0);

/// Ends the process with a tempfail line after `seconds`, wherever it is: Postfix
/// would drop the return of a command it has to kill (verpmail_time_limit).
void armTimeLimit(unsigned seconds);

} // namespace verpmail::front
