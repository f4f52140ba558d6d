// MboxReader: splits an mbox file into messages, one at a time, in bounded memory.
//
//   MboxReader reader(in, maxMessageBytes);
//   if (!reader.startsLikeMbox()) ...;                  // first line is not "From "
//   while (auto m = reader.next()) use(m->data, m->begin, m->end);
//
// The format Postfix local(8), procmail and Dovecot write: each message starts with a
// "From sender date" line at the start of the file or after an empty line; the empty
// line before it (and at the end of the file) belongs to the format, not the message.
// Body lines that began with "From " were written as ">From " (mboxo; mboxrd also
// quotes ">From " as ">>From "): one '>' is removed from every ">...>From " line.
// CRLF line ends are kept as they are (the parser accepts both). Messages longer
// than maxMessageBytes are cut (the rest is read and counted, not kept); a single
// line is never kept beyond that either. The byte range [begin, end) of each message
// in the file is exact, so a caller can copy messages out verbatim.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>

namespace verpmail {

struct MboxMessage
{
    std::uint64_t begin = 0;     ///< offset of its "From " line
    std::uint64_t end = 0;       ///< offset just past it (the next "From " line, or the end of the file)
    bool blankLineAtEnd = false; ///< the range ends with the empty separator line
    std::string envelopeSender;  ///< the address on the "From " line ("" for MAILER-DAEMON / <>)
    std::string data;            ///< the message without the "From " line, unquoted, at most maxMessageBytes
    std::size_t totalBytes = 0;  ///< the unquoted message's full size
};

class MboxReader
{
public:
    /// Reads up to the first "From " line.
    MboxReader(std::istream& in, std::size_t maxMessageBytes);

    /// False when the input has something other than empty lines before its first
    /// "From " line: it is not an mbox, and next() returns nothing. Empty input is an
    /// (empty) mbox.
    bool startsLikeMbox() const { return _isMbox; }

    /// The next message, or nullopt at the end of the input.
    std::optional<MboxMessage> next();

    /// The offset just past the last byte read.
    std::uint64_t offset() const { return _offset; }

private:
    struct Line
    {
        std::string kept;          ///< the first bytes of the line (with its line end if it fit)
        std::size_t length = 0;    ///< the whole line, line end included; 0 at end of input
        bool empty() const { return length == 1 ? kept == "\n" : length == 2 && kept == "\r\n"; }
    };

    bool readLine(Line& line, std::size_t keep);

    std::istream& _in;
    std::size_t _maxBytes;
    std::uint64_t _offset = 0;
    bool _isMbox = true;
    std::optional<Line> _fromLine;  ///< the "From " line that starts the next message
    std::uint64_t _fromLineAt = 0;
};

/// Removes one level of "From " quoting: ">From x" -> "From x", ">>From x" -> ">From x".
void unquoteFromLine(std::string& line);

} // namespace verpmail
