// TextScan: the small scanners for the text of returned mail, for files that use
// several of them. Each concern has a file of its own:
//   Ascii.h        case-blind comparison, white space
//   Lines.h        line ends, line walking, collapsing white space
//   AddressScan.h  addresses in prose and headers, normalising them
//   SmtpCodes.h    status and reply codes, SMTP commands, stored diagnostics
// None of them throws on any input or uses std::regex (bounded time on hostile text).
#pragma once

#include "verpmail/bounce/AddressScan.h"
#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/Lines.h"
#include "verpmail/bounce/SmtpCodes.h"
