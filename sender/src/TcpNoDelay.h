#pragma once

namespace verpmail {

/// Turns off Nagle's algorithm on every TCP socket of this process that still has it.
///
/// libESMTP opens its own socket and offers no hook for socket options; it only
/// reports SMTP_EV_CONNECT right after connect(). SmtpBatch calls this from there.
/// Without it a message that leaves in more than one write (libESMTP writes through
/// a 2 KiB buffer) waits for the server's delayed ACK of the first part: about 40 ms
/// per message. The other TCP sockets are MariaDB's, which sets the option itself.
/// Best effort: a socket it cannot inspect is left alone.
void disableNagleOnTcpSockets() noexcept;

} // namespace verpmail
