#include "RequestBody.h"

#include <algorithm>
#include <exception>

namespace verpmail::web {

RequestBody readRequestBody(std::istream& in, std::optional<std::uint64_t> declaredLength, std::size_t maxBytes)
{
    RequestBody body;
    if (declaredLength && *declaredLength > maxBytes) {
        body.status = RequestBody::Status::TooLarge;
        return body;
    }
    // One byte beyond the bound tells "exactly the bound" from "more".
    const std::size_t limit = declaredLength ? static_cast<std::size_t>(*declaredLength) : maxBytes + 1;
    char buffer[4096];
    try {
        while (body.bytes.size() < limit) {
            const std::size_t want = std::min(sizeof buffer, limit - body.bytes.size());
            in.read(buffer, static_cast<std::streamsize>(want));
            const std::streamsize got = in.gcount();
            if (got <= 0)
                break;
            body.bytes.append(buffer, static_cast<std::size_t>(got));
        }
    } catch (const std::exception&) {
        // Poco's streams may rethrow a socket failure (time-out, reset).
        body.status = RequestBody::Status::Incomplete;
        return body;
    }
    if (body.bytes.size() > maxBytes)
        body.status = RequestBody::Status::TooLarge;
    else if (in.bad() || (declaredLength && body.bytes.size() < *declaredLength))
        body.status = RequestBody::Status::Incomplete;
    return body;
}

} // namespace verpmail::web
