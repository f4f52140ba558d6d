// OriginalMessage: where a plain-text report quotes the returned message: after a
// known marker line ("----- Original message -----", "Below this line is a copy of
// the message"), or at a header block (Received:, Return-Path: ...) after prose.
#pragma once

#include <cstddef>
#include <string_view>

namespace verpmail::bounce {

/// Offset of the first line of an inline-quoted original message in text (its
/// marker line, or its first header line), or npos. *contentStart receives where
/// the quoted message itself starts (after the marker).
std::size_t findOriginalStart(std::string_view text, std::size_t* contentStart = nullptr);

} // namespace verpmail::bounce
