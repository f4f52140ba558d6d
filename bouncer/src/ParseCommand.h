// ParseCommand: "verpmail-bouncer --parse FILE...": each file parsed as a return,
// without configuration or database, and one JSON line per file on stdout (see
// ReturnJson for its fields), in the order given.
#pragma once

#include "verpmail/util/ExitStatus.h"

#include <string>
#include <vector>

namespace verpmail {

/// Ok, or NoInput when some file could not be read (it is named on stderr and the
/// others are still parsed); Usage with no file at all.
ExitStatus runParseCommand(const std::vector<std::string>& files);

} // namespace verpmail
