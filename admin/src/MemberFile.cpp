#include "MemberFile.h"

#include "verpmail/mail/EmailAddress.h"
#include "verpmail/util/Printable.h"

#include <Poco/String.h>

#include <unordered_set>

namespace verpmail {

MemberFileResult readMemberFile(std::istream& in)
{
    constexpr std::size_t kMaxLine = 1024;
    constexpr std::size_t kMaxErrors = 50;
    MemberFileResult result;
    std::unordered_set<std::string> seen;
    std::string line;
    std::size_t number = 0;
    auto error = [&](const std::string& why) {
        if (result.errors.size() < kMaxErrors)
            result.errors.push_back("line " + std::to_string(number) + ": " + why);
        else if (result.errors.size() == kMaxErrors)
            result.errors.push_back("(more errors not shown)");
    };
    while (std::getline(in, line)) {
        ++number;
        if (line.size() > kMaxLine) {
            error("longer than 1024 characters");
            continue;
        }
        const std::string trimmed = Poco::trim(line);
        if (trimmed.empty() || trimmed.front() == '#')
            continue;
        const auto comma = trimmed.find(',');
        const std::string addressText = Poco::trim(trimmed.substr(0, comma));
        std::string name = comma == std::string::npos ? std::string() : Poco::trim(trimmed.substr(comma + 1));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
            name = name.substr(1, name.size() - 2);
        const std::optional<EmailAddress> address = EmailAddress::parse(addressText);
        if (!address) {
            error("not a valid address: \"" + printable(addressText, 80) + "\"");
            continue;
        }
        if (!seen.insert(address->normalized()).second) {
            ++result.duplicates;
            continue;
        }
        result.members.push_back({address->normalized(), name.substr(0, 255)});
    }
    return result;
}

} // namespace verpmail
