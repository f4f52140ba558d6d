// FileChecks: every file the programs read exists, has the mode and owner they
// demand, and can be read by each account that reads it (FileAccess decides from
// mode bits and group membership, without running as the account).
#pragma once

#include "check/CheckReport.h"
#include "check/FileAccess.h"

#include <string>
#include <vector>

namespace verpmail::check {

/// A file, the key it is configured by, what is demanded of it, and who reads it.
struct FileUse
{
    std::string key;   ///< "mysql.optionFile", "verp.keyFile", or "config" for the properties file
    std::string path;
    FileRule rule = FileRule::Readable;
    std::vector<Account> readers;
};

void checkFiles(const std::vector<FileUse>& uses, CheckReport& report);

/// The lines for one file, given its facts (nullopt: missing) and its directories:
/// the part of checkFiles() that touches no file system, for the unit tests.
void checkFile(const FileUse& use, const std::optional<FileFacts>& facts,
               const std::vector<std::pair<std::string, FileFacts>>& dirs, CheckReport& report);

} // namespace verpmail::check
