#include "lmtp/ServerSettings.h"

#include "verpmail/bounce/Ascii.h"

namespace verpmail {

std::string ListenAddress::text() const
{
    return (kind == Kind::Unix ? "unix:" : "inet:") + where;
}

std::optional<ListenAddress> parseListenAddress(std::string_view text)
{
    ListenAddress address;
    if (bounce::istartsWith(text, "unix:")) {
        address.kind = ListenAddress::Kind::Unix;
        address.where.assign(text.substr(5));
        if (address.where.size() < 2 || address.where.front() != '/')
            return std::nullopt;
        return address;
    }
    if (bounce::istartsWith(text, "inet:")) {
        address.kind = ListenAddress::Kind::Inet;
        address.where.assign(text.substr(5));
        const std::size_t colon = address.where.rfind(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == address.where.size())
            return std::nullopt;
        if (address.where.find_first_not_of("0123456789", colon + 1) != std::string::npos)
            return std::nullopt;
        return address;
    }
    return std::nullopt;
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
