// RequestBody: a request's body, read with a bound.
//
//   RequestBody body = readRequestBody(request.stream(), declaredLength, 65536);
//   if (body.status == RequestBody::Status::TooLarge) answer 413
//
// At most maxBytes + 1 bytes are ever read, whether the length was declared
// (Content-Length) or not (chunked, or until the client closes); a declared length
// above the bound is refused without reading anything. A stream that ends before
// its declared length, or fails (time-out, reset), is Incomplete: such a request is
// never acted on. Never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>

namespace verpmail::web {

struct RequestBody
{
    enum class Status
    {
        Complete,    ///< `bytes` is the whole body
        TooLarge,    ///< declared or found larger than the bound: 413
        Incomplete,  ///< the stream ended early or failed: 400, and the connection closes
    };
    Status status = Status::Complete;
    std::string bytes;

    bool complete() const { return status == Status::Complete; }
};

/// @param declaredLength Content-Length when the request gave one.
RequestBody readRequestBody(std::istream& in, std::optional<std::uint64_t> declaredLength, std::size_t maxBytes);

} // namespace verpmail::web
