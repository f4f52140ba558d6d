#include "verpmail/util/Utf8mb4.h"

namespace verpmail {
namespace {

struct LeadRule
{
    std::size_t length;        ///< 0: the byte cannot start a sequence
    unsigned char secondMin;   ///< the second byte's range, narrower than 80..BF
    unsigned char secondMax;   ///< where overlong forms and code points past U+10FFFF start
};

// What may follow each lead byte. C0, C1 (overlong two-byte forms) and F5..FF
// (past U+10FFFF) start nothing; E0 and F0 exclude their overlong forms, F4 the
// code points above U+10FFFF. ED allows A0..BF like the server: surrogates pass.
LeadRule leadRule(unsigned char c)
{
    if (c < 0x80)
        return {1, 0, 0};
    if (c >= 0xC2 && c <= 0xDF)
        return {2, 0x80, 0xBF};
    if (c == 0xE0)
        return {3, 0xA0, 0xBF};
    if (c >= 0xE1 && c <= 0xEF)
        return {3, 0x80, 0xBF};
    if (c == 0xF0)
        return {4, 0x90, 0xBF};
    if (c >= 0xF1 && c <= 0xF3)
        return {4, 0x80, 0xBF};
    if (c == 0xF4)
        return {4, 0x80, 0x8F};
    return {0, 0, 0};
}

bool isContinuation(unsigned char c) { return c >= 0x80 && c <= 0xBF; }

// The length of the sequence at `at`: positive when well formed, negative (the
// length of the maximal ill-formed part, at least 1) when not.
long sequenceAt(std::string_view text, std::size_t at)
{
    const auto lead = static_cast<unsigned char>(text[at]);
    const LeadRule rule = leadRule(lead);
    if (rule.length == 0)
        return -1;
    if (rule.length == 1)
        return 1;
    std::size_t have = 1;
    while (have < rule.length && at + have < text.size()) {
        const auto c = static_cast<unsigned char>(text[at + have]);
        const bool fits = have == 1 ? c >= rule.secondMin && c <= rule.secondMax : isContinuation(c);
        if (!fits)
            break;
        ++have;
    }
    return have == rule.length ? static_cast<long>(have) : -static_cast<long>(have);
}

} // namespace

std::string toUtf8mb4(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    std::size_t i = 0;
    while (i < bytes.size()) {
        const long length = sequenceAt(bytes, i);
        if (length > 0) {
            out.append(bytes.substr(i, static_cast<std::size_t>(length)));
            i += static_cast<std::size_t>(length);
        } else {
            out.append(kReplacementCharacter);
            i += static_cast<std::size_t>(-length);
        }
    }
    return out;
}

std::string_view utf8Prefix(std::string_view text, std::size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return text;
    std::size_t cut = maxBytes;
    while (cut > 0 && isContinuation(static_cast<unsigned char>(text[cut])))
        --cut;
    return text.substr(0, cut);
}

} // namespace verpmail
