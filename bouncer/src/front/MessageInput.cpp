#include "MessageInput.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace verpmail::front {

MessageInput::~MessageInput() { std::free(data); }

bool readMessage(MessageInput& in, std::size_t maxBytes, int& error)
{
    std::size_t capacity = 0;
    char drain[65536];
    for (;;) {
        if (in.size == capacity && capacity < maxBytes) {
            const std::size_t next =
                capacity == 0 ? (maxBytes < 65536 ? maxBytes : 65536) : (capacity > maxBytes / 2 ? maxBytes : capacity * 2);
            char* grown = static_cast<char*>(std::realloc(in.data, next));
            if (!grown) {
                error = ENOMEM;
                return false;
            }
            in.data = grown;
            capacity = next;
        }
        const bool keep = in.size < capacity;
        const ssize_t got =
            keep ? ::read(STDIN_FILENO, in.data + in.size, capacity - in.size) : ::read(STDIN_FILENO, drain, sizeof drain);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            error = errno;
            return false;
        }
        if (got == 0)
            return true;
        in.total += static_cast<std::size_t>(got);
        if (keep)
            in.size += static_cast<std::size_t>(got);
    }
}

} // namespace verpmail::front
