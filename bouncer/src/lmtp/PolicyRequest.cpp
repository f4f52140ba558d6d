#include "lmtp/PolicyRequest.h"

namespace verpmail {
namespace {

// Postfix sends some 35 attributes of a few dozen bytes; certificate subjects and
// SASL names are the long ones. These bounds leave ample room and no more.
constexpr std::size_t kMaxLineBytes = 4096;
constexpr std::size_t kMaxAttributes = 100;
constexpr std::size_t kMaxRequestBytes = 64 * 1024;

} // namespace

std::string_view PolicyRequest::attribute(std::string_view name) const
{
    for (const auto& [key, value] : attributes)
        if (key == name)
            return value;
    return {};
}

PolicyRead readPolicyRequest(LineChannel& channel, PolicyRequest& request)
{
    request.attributes.clear();
    std::size_t total = 0;
    std::string line;
    for (;;) {
        const LineChannel::Line got = channel.readLine(line, kMaxLineBytes);
        if (got == LineChannel::Line::End)
            return PolicyRead::End;
        if (got == LineChannel::Line::TooLong)
            return PolicyRead::Malformed;
        if (line.empty())
            return request.attributes.empty() ? PolicyRead::Malformed : PolicyRead::Complete;
        total += line.size();
        const std::size_t equals = line.find('=');
        if (equals == 0 || equals == std::string::npos || total > kMaxRequestBytes ||
            request.attributes.size() >= kMaxAttributes)
            return PolicyRead::Malformed;
        request.attributes.emplace_back(line.substr(0, equals), line.substr(equals + 1));
    }
}

} // namespace verpmail
