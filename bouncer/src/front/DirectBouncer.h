// DirectBouncer: the full bouncer, verpmail-bouncer-direct, which parses and records
// a return in its own process (Poco, libmariadb: ~10 ms of start-up per return).
//
// The front runs it for everything that is not a return it can hand to the daemon
// (or a plain "--parse FILE...", which verpmail-bouncer-parse serves): --help, --mbox, --maildir, any other command line, a run as root, a
// configuration it cannot read simply, and, above all, a daemon that is not running.
// It lives next to the front, in the same directory (found through /proc/self/exe,
// never through PATH or the environment).
#pragma once

namespace verpmail::front {

inline constexpr const char* kDirectProgram = "verpmail-bouncer-direct";
/// "--parse FILE..." alone, without the rest of the full program (ParseCommand.h).
inline constexpr const char* kParseProgram = "verpmail-bouncer-parse";

/// Replaces this process with verpmail-bouncer-direct and the same arguments,
/// argv[0] included, stdin untouched. Returns only when that fails: the pipe(8) status, having
/// printed the "4.x.x" line.
int runDirect(char** argv);

/// For "--parse FILE...": replaces this process with verpmail-bouncer-parse, or with
/// verpmail-bouncer-direct when that is not installed beside the front.
int runParse(char** argv);

} // namespace verpmail::front
