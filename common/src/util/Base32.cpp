#include "verpmail/util/Base32.h"

namespace verpmail {

std::string base32Lower(const unsigned char* data, std::size_t bytes, std::size_t chars)
{
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    std::string out;
    out.reserve(chars);
    unsigned buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < bytes && out.size() < chars; ++i) {
        buffer = (buffer << 8) | data[i];
        bits += 8;
        while (bits >= 5 && out.size() < chars) {
            out += kAlphabet[(buffer >> (bits - 5)) & 0x1f];
            bits -= 5;
        }
    }
    return out;
}

} // namespace verpmail
