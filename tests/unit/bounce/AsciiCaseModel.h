// The byte-at-a-time model of "equal ignoring ASCII case" (only A-Z fold) that the
// word-at-a-time comparisons of TextScan (iequals) and HeaderBlock (name lookups) are
// held to in their randomised tests.
#pragma once

#include <cstddef>
#include <string_view>

namespace verpmail::bounce::test {

inline bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    const auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    for (std::size_t i = 0; i < a.size(); ++i)
        if (fold(a[i]) != fold(b[i]))
            return false;
    return true;
}

} // namespace verpmail::bounce::test
