// Protocol: the wire format between verpmail-bouncer (the front Postfix's pipe(8) runs,
// one process per return) and verpmail-bouncerd (the long-running recorder).
//
// One request per connection, over a unix stream socket (bouncer.socket):
//
//   request  "VERPMAIL-RETURN 1 <sender-bytes> <recipient-bytes> <message-bytes>\n"
//            then exactly that many bytes of sender, recipient and message, back to
//            back, with no separators. Sizes are decimal, no sign, no leading zeros
//            (a lone "0" is allowed), separated by single spaces; the line ends in LF
//            alone. The version is 1; anything else is a protocol error.
//   reply    "OK <state>\n"              after the commit: state is recorded,
//                                        duplicate or unattributed
//            "TEMPFAIL <4.x.x text>\n"   nothing was recorded (or nothing is known):
//                                        the front prints "4.x.x text" and exits 75
//   then the daemon closes the connection.
//
// Limits: the request line is at most kMaxRequestLine bytes, sender and recipient at
// most kMaxAddressBytes each, the message at most kMaxMessageBytes (the daemon keeps
// the first bouncer.maxMessageBytes and reads and drops the rest, exactly as the pipe
// bouncer does with stdin), a reply line at most kMaxReplyLine bytes. Anything else
// (bad line, short read, a client too slow) earns "TEMPFAIL 4.3.0 protocol error" and
// the connection is closed; the daemon never trusts the client further than that.
//
// Why a line and byte counts instead of, say, SMTP/LMTP: the front stays a few
// hundred lines of libc, the daemon never scans the message for a terminator, and
// every byte of the return reaches MessageProcessor exactly as pipe(8) delivered it
// (no dot-stuffing, no line-end conversion), so the dedup key is the same in both
// modes and a return retried from one mode to the other still counts once.
//
// Nothing here allocates or throws: the front links only libc.
#pragma once

#include <cstddef>
#include <string_view>

namespace verpmail::protocol {

inline constexpr std::string_view kRequestTag = "VERPMAIL-RETURN";
inline constexpr unsigned kVersion = 1;
inline constexpr std::size_t kMaxRequestLine = 128;
inline constexpr std::size_t kMaxAddressBytes = 4096;
inline constexpr std::size_t kMaxMessageBytes = std::size_t{1} << 30;  ///< = bouncer.maxMessageBytes' upper bound
inline constexpr std::size_t kMaxReplyLine = 512;
inline constexpr std::string_view kProtocolError = "4.3.0 protocol error";

struct RequestHeader
{
    std::size_t senderBytes = 0;
    std::size_t recipientBytes = 0;
    std::size_t messageBytes = 0;
};

/// Parses the request line without its LF. False (and a short reason in *problem,
/// for the daemon's log) for anything that is not exactly a version-1 request line.
bool parseRequestLine(std::string_view line, RequestHeader& header, const char** problem);

/// Writes the request line with its LF into buffer; returns its length, or 0 when
/// the buffer is too small or a size is over its limit.
std::size_t formatRequestLine(const RequestHeader& header, char* buffer, std::size_t size);

enum class ReplyKind { Ok, TempFail, Invalid };

struct Reply
{
    ReplyKind kind = ReplyKind::Invalid;
    std::string_view text;  ///< Ok: the state; TempFail: "4.x.x text"; views into the line
};

/// Parses a reply line without its LF. TEMPFAIL text must start with an enhanced
/// status code of class 4 ("4.d.d" then a space or the end): a client must never
/// print anything else to Postfix.
Reply parseReply(std::string_view line);

/// True when text starts with "4.<1-3 digits>.<1-3 digits>" followed by a space or
/// the end (RFC 3463 class 4, the only class the pipe contract allows).
bool isTempfailStatus(std::string_view text);

} // namespace verpmail::protocol
