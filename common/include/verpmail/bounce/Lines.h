// Lines: line ends and white space of returned mail: normalising line ends,
// walking lines, and collapsing white space for stored diagnostics.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace verpmail::bounce {

/// text (its first maxBytes) with CRLF and bare CR turned into LF.
std::string normaliseLineEnds(std::string_view text, std::size_t maxBytes);

/// The lines of LF-terminated text, one at a time (without the LF):
///   LineReader lines(text); for (std::string_view line; lines.next(line);) ...
class LineReader
{
public:
    explicit LineReader(std::string_view text) : _text(text) {}
    bool next(std::string_view& line);

private:
    std::string_view _text;
    std::size_t _pos = 0;
};

/// Runs of white space made one blank, the ends trimmed; cut at maxBytes.
std::string collapseSpace(std::string_view text, std::size_t maxBytes = 1000);
/// Whether collapseSpace would leave text as it is.
bool isCollapsed(std::string_view text);

} // namespace verpmail::bounce
