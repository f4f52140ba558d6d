// Ascii: case-blind comparison and white space for the text of returned mail.
//
// Only A-Z and a-z are alike; every other byte (UTF-8 included) is only itself,
// and white space is the C locale's, whatever the process locale says.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace verpmail::bounce {

/// c with A-Z lower-cased, every other byte unchanged.
constexpr unsigned char foldByte(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

constexpr char lowerChar(char c)
{
    return static_cast<char>(foldByte(static_cast<unsigned char>(c)));
}

/// ' ', '\t', '\n', '\v', '\f', '\r'.
constexpr bool isSpace(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

constexpr bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

std::string toLower(std::string_view text);

bool iequals(std::string_view a, std::string_view b);
bool istartsWith(std::string_view text, std::string_view prefix);
/// Case-blind find; npos when absent.
std::size_t ifind(std::string_view haystack, std::string_view needle, std::size_t from = 0);
inline bool icontains(std::string_view haystack, std::string_view needle)
{
    return ifind(haystack, needle) != std::string_view::npos;
}

/// text without white space at either end.
std::string_view trim(std::string_view text);

} // namespace verpmail::bounce
