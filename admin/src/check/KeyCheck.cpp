#include "check/KeyCheck.h"

#include "verpmail/verp/VerpCodec.h"

#include <optional>

namespace verpmail::check {
namespace {

std::optional<std::string> readKey(const std::string& path, const std::string& name, CheckReport& report)
{
    try {
        return readVerpKeyFile(path);
    } catch (const std::exception& e) {
        report.fail(name, e.what(), "chmod 600 " + path + ", and keep 16 bytes or more in it", path);
        return std::nullopt;
    }
}

} // namespace

void checkKey(const std::string& keyFile, const std::string& backupFile, CheckReport& report)
{
    const std::optional<std::string> key = readKey(keyFile, "key.verp", report);
    if (!key)
        return;
    report.ok("key.verp", std::to_string(key->size()) + " bytes", keyFile);
    if (backupFile.empty()) {
        report.warn("key.backup", "verp.keyBackupFile is not set: nothing says the key is backed up",
                    "copy " + keyFile + " somewhere safe (off this machine too) and set verp.keyBackupFile to the copy");
        return;
    }
    const std::optional<std::string> copy = readKey(backupFile, "key.backup", report);
    if (!copy)
        return;
    if (*copy == *key)
        report.ok("key.backup", "holds the same key as " + keyFile, backupFile);
    else
        report.fail("key.backup", "differs from " + keyFile,
                    "if the key was changed on purpose, back up the new one: cp -p " + keyFile + " " + backupFile,
                    backupFile);
}

} // namespace verpmail::check
