#include "lmtp/ServerSettings.h"

#include "verpmail/bounce/Ascii.h"

namespace verpmail {

std::string ListenAddress::text() const
{
    return (kind == Kind::Unix ? "unix:" : "inet:") + where;
}

std::optional<ListenAddress> parseListenAddress(std::string_view text)
{
    const bool isUnix = bounce::istartsWith(text, "unix:");
    if (!isUnix && !bounce::istartsWith(text, "inet:"))
        return std::nullopt;
    const std::string where(text.substr(5));
    if (isUnix) {
        if (where.size() < 2 || where.front() != '/')
            return std::nullopt;
        return ListenAddress{ListenAddress::Kind::Unix, where};
    }
    const std::size_t colon = where.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == where.size() ||
        where.find_first_not_of("0123456789", colon + 1) != std::string::npos)
        return std::nullopt;
    return ListenAddress{ListenAddress::Kind::Inet, where};
}

std::optional<std::vector<ListenAddress>> parseListenList(std::string_view text)
{
    std::vector<ListenAddress> addresses;
    while (!bounce::trim(text).empty()) {
        const std::size_t comma = text.find(',');
        const std::optional<ListenAddress> address = parseListenAddress(bounce::trim(text.substr(0, comma)));
        if (!address)
            return std::nullopt;
        addresses.push_back(*address);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return addresses;
}

} // namespace verpmail
