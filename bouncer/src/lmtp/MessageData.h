// MessageData: reads the message that follows an LMTP DATA command.
//
// The bytes handed to the parser are those Postfix's pipe(8) gives the bouncer for the
// same message: LF line ends (Postfix stores lines without ends and its LMTP client
// sends them with CRLF), dot-stuffing undone, and a "Return-Path: <sender>" line first
// as pipe's R flag writes it. So the dedup key of a return is the same whichever way
// it came.
#pragma once

#include "IncomingMessage.h"
#include "lmtp/LineChannel.h"

#include <cstddef>
#include <string_view>

namespace verpmail {

/// The line pipe(8)'s R flag puts first: "Return-Path: <sender>\n".
std::string returnPathLine(std::string_view sender);

/// Appends the message up to its lone "." line to message.data, keeping at most
/// maxBytes of data in all and counting every byte in message.totalBytes. Lines of any
/// length are read in bounded pieces. False when the input ended before the "." line
/// (the transaction is then void).
bool readMessageData(LineChannel& channel, std::size_t maxBytes, IncomingMessage& message);

} // namespace verpmail
