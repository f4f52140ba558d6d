// PipeCommand: verpmail-bouncer under Postfix's pipe(8), one process per return.
//
//   master.cf: verpmail unix - n n - - pipe flags=Rq user=verpmail
//                argv=/usr/bin/verpmail-bouncer -- ${sender} ${recipient}
//
// Reads the whole message from stdin (bounded) before touching the database, so a
// retry gets the same bytes, records it, and answers with ReturnContract's pipe
// answer: exit 0, or 75 with one "4.x.x reason" line on stdout.
#pragma once

#include "ReturnContract.h"

#include <Poco/Logger.h>

#include <string>
#include <vector>

namespace verpmail {

class ProgramBase;

/// Runs the pipe form; `args` are SENDER and RECIPIENT. Never throws.
int runPipeCommand(ProgramBase& program, const std::vector<std::string>& args);

/// Logs the outcome, prints its status line (if any) on stdout, disarms the time
/// limit and returns the exit status: the only way the pipe form ends.
int answerPipe(Poco::Logger& log, Outcome outcome, const std::string& detail);

/// A hard time limit for the whole run: arms (or re-arms) it; 0 disarms. pipe(8)
/// BOUNCES a command that exceeds its time limit, and a bounce of a bounce is
/// dropped: the return would be lost. Database timeouts cover most hangs, but not
/// all (DNS, a stuck read on stdin, a bug), so an alarm ends the run with the
/// tempfail line and exit 75 before Postfix's limit is reached.
void armWatchdog(unsigned seconds);

} // namespace verpmail
