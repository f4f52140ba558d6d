// AddressScan: e-mail addresses in the text of returned mail: found in prose and
// headers (a plausible local@domain.tld around each '@'), and normalised from the
// forms reports write them in ("rfc822; <a@b.example>").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace verpmail::bounce {

/// One plausible addr-spec (local@domain.tld) in a text, as a view into it (its
/// domain not lower-cased).
struct AddressSpan
{
    std::string_view address;
    std::size_t pos = 0;   ///< offset of the first character in the scanned text
    std::size_t at = 0;    ///< offset of the '@' in address
};

/// The addresses in a text one at a time, in order. Each '@' is looked at once, and
/// at most 128 bytes before it and 256 after it, so a scan is linear in the text.
/// The caller bounds the count.
class AddressScanner
{
public:
    explicit AddressScanner(std::string_view text) : _text(text), _at(text.find('@')) {}
    /// The next address in order; false when there is none left.
    bool next(AddressSpan& span);

private:
    std::string_view _text;
    std::size_t _at;
};

/// The span's address with its domain lower-cased.
std::string foldedDomain(const AddressSpan& span);

/// The first plausible address in text, its domain lower-cased, or "".
std::string firstAddress(std::string_view text);

/// Strips an address type ("rfc822;", "utf-8;"), angle brackets, quotes and white
/// space; lower-cases the domain. Returns "" when no '@' is left.
std::string normaliseAddress(std::string_view raw);

} // namespace verpmail::bounce
