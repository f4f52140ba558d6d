// RequestReader: reads one request (Protocol.h) from a connected socket, bounded in
// size and in time.
//
//   ReadOutcome got = readRequest(fd, maxMessageBytes, deadline);
//   if (got.status == ReadStatus::Ok) ... got.request.message ...
//
// The message is kept up to maxMessageBytes and the rest is read and dropped, so
// the bytes MessageProcessor sees (and the dedup key) are exactly those the pipe
// bouncer would have kept from stdin. The whole request must arrive before the
// deadline: a client that stalls cannot hold a worker longer than
// bouncer.readTimeout. Bad input is a value here, never an exception.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace verpmail {

struct ReturnRequest
{
    std::string sender;
    std::string recipient;
    std::string message;          ///< at most maxMessageBytes
    std::size_t totalBytes = 0;   ///< the size the client announced (and sent)
};

enum class ReadStatus
{
    Ok,
    Protocol,  ///< not a valid request line, or the connection ended early
    Timeout,   ///< the deadline passed
    Io,        ///< read error (errno in ReadOutcome::error)
};

struct ReadOutcome
{
    ReadStatus status = ReadStatus::Protocol;
    ReturnRequest request;
    const char* problem = "";  ///< for the log; static text
    int error = 0;
};

ReadOutcome readRequest(int fd, std::size_t maxMessageBytes, std::chrono::steady_clock::time_point deadline);

} // namespace verpmail
