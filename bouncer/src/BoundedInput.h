// BoundedInput: reads a returned message from a stream without unbounded memory.
#pragma once

#include <cstddef>
#include <istream>
#include <string>

namespace verpmail {

struct BoundedRead
{
    std::string data;          ///< at most maxBytes
    std::size_t totalBytes = 0; ///< everything the stream held
};

/// Keeps the first maxBytes of the stream and reads (and drops) the rest, so the
/// writer (Postfix's pipe) never sees a broken pipe.
BoundedRead readBounded(std::istream& in, std::size_t maxBytes);

} // namespace verpmail
