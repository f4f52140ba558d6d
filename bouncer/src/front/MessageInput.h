// MessageInput: the return from stdin, read whole before the daemon is asked, so a
// retry sends the same bytes.
#pragma once

#include <cstddef>

namespace verpmail::front {

struct MessageInput
{
    char* data = nullptr;
    std::size_t size = 0;   ///< bytes kept (at most the limit)
    std::size_t total = 0;  ///< bytes read
    MessageInput() = default;
    MessageInput(const MessageInput&) = delete;
    MessageInput& operator=(const MessageInput&) = delete;
    ~MessageInput();
};

/// Keeps the first maxBytes of stdin and reads and drops the rest, so Postfix's pipe
/// never sees a broken pipe (the full program does the same with
/// bouncer.maxMessageBytes). False with error set (an errno) when stdin fails.
bool readMessage(MessageInput& in, std::size_t maxBytes, int& error);

} // namespace verpmail::front
