// SecretFile: reads a key from a file only its owner can read.
#pragma once

#include <string>

namespace verpmail {

/// The bytes of the key file at `path` (a trailing newline dropped). `what` names the
/// file in errors ("VERP key file"). @throws std::runtime_error when the file cannot
/// be read, group or others may read it, or it holds fewer than 16 bytes.
std::string readSecretKeyFile(const std::string& path, const std::string& what);

} // namespace verpmail
