// BoundedInput: reads a returned message from a stream without unbounded memory.
#pragma once

#include <algorithm>
#include <array>
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
inline BoundedRead readBounded(std::istream& in, std::size_t maxBytes)
{
    BoundedRead result;
    // Not value-initialised: zeroing 64 KiB per message was 7% of --parse.
    std::array<char, 65536> buffer;
    while (in) {
        in.read(buffer.data(), buffer.size());
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0)
            break;
        result.totalBytes += got;
        if (result.data.size() < maxBytes)
            result.data.append(buffer.data(), std::min(got, maxBytes - result.data.size()));
    }
    return result;
}

} // namespace verpmail
