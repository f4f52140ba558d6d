// ExitStatus: the sysexits(3) values the programs return.
//
// Postfix's pipe(8) reads these: only TempFail (75) and EX_OSERR (71) make it retry;
// every other non-zero status bounces the message, and a bounce of a bounce is
// silently dropped. The bouncer therefore returns only Ok or TempFail.
#pragma once

namespace verpmail {

enum class ExitStatus : int
{
    Ok = 0,
    Usage = 64,       ///< command line usage error
    DataErr = 65,     ///< input data was bad (unknown list, unreadable message)
    NoInput = 66,     ///< an input file could not be opened
    Unavailable = 69, ///< a service (database, SMTP server) is unavailable
    Software = 70,    ///< internal error
    TempFail = 75,    ///< try again later
    Config = 78,      ///< configuration error
};

inline int toInt(ExitStatus code) { return static_cast<int>(code); }

} // namespace verpmail
