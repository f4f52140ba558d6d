// KeyCheck: the VERP key can be read as the programs read it, and, when
// verp.keyBackupFile names a copy, the copy holds the same key. A lost key cannot be
// made again: the returns of mail already sent could no longer be attributed.
#pragma once

#include "check/CheckReport.h"

#include <string>

namespace verpmail::check {

void checkKey(const std::string& keyFile, const std::string& backupFile, CheckReport& report);

} // namespace verpmail::check
