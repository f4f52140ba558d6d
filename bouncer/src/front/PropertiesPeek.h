// PropertiesPeek: the three settings verpmail-bouncer's front needs, read from the
// properties file without Poco.
//
// The front runs once per return and links only libc, so it cannot load the
// configuration the way the other programs do (Poco::Util::PropertyFileConfiguration).
// It does not need to: it only wants to know where the daemon listens and how long and
// how much to read. Whenever this reader is not sure it reads the file exactly as Poco
// would (a line continued with a backslash, an escape, a ${reference}, a file too big
// or unreadable), it says so, and the front hands the whole return to
// verpmail-bouncer-direct, which reads the configuration properly and reports any
// error in it. Being unsure therefore costs speed, never a return.
#pragma once

#include <cstddef>

namespace verpmail::front {

struct FrontSettings
{
    char socketPath[108] = "/run/verpmail/bouncerd.sock";  ///< bouncer.socket (sun_path size)
    unsigned timeLimitSeconds = 60;                       ///< bouncer.timeLimit
    std::size_t maxMessageBytes = 10 * 1024 * 1024;       ///< bouncer.maxMessageBytes
};

enum class PeekResult
{
    Read,     ///< settings holds the file's values (defaults for keys it lacks)
    Unsure,   ///< the file could not be read simply: let the full program read it
};

/// Reads path into settings. Never allocates more than the fixed buffer it reads into.
PeekResult peekProperties(const char* path, FrontSettings& settings);

} // namespace verpmail::front
