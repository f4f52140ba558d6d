#include "DeliveryHeaders.h"

#include "verpmail/bounce/AddressScan.h"
#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/HeaderBlock.h"
#include "verpmail/bounce/Lines.h"

#include <algorithm>

namespace verpmail {
namespace {

constexpr std::size_t kMaxFieldBytes = 16 * 1024;
constexpr std::size_t kMaxFields = 1000;
constexpr std::size_t kMaxHeaderSection = 256 * 1024;

// A message's header section with LF line ends (HeaderBlock wants them), and its
// fields, which are views of it: neither copied nor moved.
struct MessageHeader
{
    explicit MessageHeader(std::string_view message)
        : text(bounce::normaliseLineEnds(message.substr(0, kMaxHeaderSection), kMaxHeaderSection)),
          fields(bounce::HeaderBlock::parse(text, kMaxFieldBytes, nullptr, kMaxFields))
    {
    }
    MessageHeader(const MessageHeader&) = delete;
    MessageHeader& operator=(const MessageHeader&) = delete;

    const std::string text;
    const bounce::HeaderBlock fields;
};

bool isTraceField(std::string_view line)
{
    for (std::string_view name : {"Return-Path:", "Received:", "Delivered-To:", "X-Original-To:"})
        if (bounce::istartsWith(line, name))
            return true;
    return false;
}

} // namespace

std::string_view withoutTraceFields(std::string_view message)
{
    std::size_t pos = 0;
    bool inTrace = false;
    while (pos < message.size()) {
        const std::size_t eol = message.find('\n', pos);
        const std::size_t next = eol == std::string_view::npos ? message.size() : eol + 1;
        const std::string_view line = message.substr(pos, next - pos);
        const bool continuation = line[0] == ' ' || line[0] == '\t';
        if (continuation ? !inTrace : !isTraceField(line))
            break;
        inTrace = true;
        pos = next;
    }
    return message.substr(pos);
}

std::vector<std::string> deliveryAddresses(std::string_view message)
{
    const MessageHeader header(message);
    std::vector<std::string> out;
    for (const char* name : {"Delivered-To", "X-Original-To", "To"}) {
        for (const std::string& value : header.fields.getAll(name)) {
            bounce::AddressScanner scanner(value);
            bounce::AddressSpan span;
            for (std::size_t n = 0; n < 20 && scanner.next(span); ++n) {
                std::string address = bounce::foldedDomain(span);
                if (std::find(out.begin(), out.end(), address) == out.end())
                    out.push_back(std::move(address));
            }
        }
    }
    return out;
}

std::string returnPath(std::string_view message)
{
    const MessageHeader header(message);
    return bounce::normaliseAddress(header.fields.find("Return-Path"));
}

MailboxRecipient chooseRecipient(const VerpCodec& codec, const std::vector<std::string>& addresses)
{
    MailboxRecipient chosen;
    auto ours = std::find_if(addresses.begin(), addresses.end(),
                             [&](const std::string& a) { return codec.decode(a).ok; });
    if (ours == addresses.end())
        ours = addresses.begin();
    if (ours == addresses.end())
        return chosen;
    chosen.recipient = *ours;
    for (auto it = addresses.begin(); it != addresses.end(); ++it)
        if (it != ours)
            chosen.others.push_back(*it);
    return chosen;
}

} // namespace verpmail
