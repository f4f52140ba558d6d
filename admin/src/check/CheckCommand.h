// CheckCommand: `verpmail-admin check [--return ADDRESS]`, the installation's
// self-check. Runs the checks in the order an operator fixes things (configuration,
// Postfix, files, database, key, daemon), prints one line per check (CheckReport),
// and exits 0 only when none failed.
#pragma once

#include "verpmail/config/ProgramBase.h"
#include "verpmail/util/ExitStatus.h"

#include <ostream>
#include <string>

namespace verpmail::check {

/// @param returnAddress "" for the checks; else the member to send a synthetic return for.
ExitStatus runCheck(ProgramBase& app, const std::string& returnAddress, std::ostream& out);

/// The COMMANDS entry of verpmail-admin --help.
const char* checkHelp();

} // namespace verpmail::check
