#include "MboxReader.h"

#include "verpmail/bounce/AddressScan.h"

#include <algorithm>

namespace verpmail {
namespace {

// Enough of any line to recognise "From " or ">>>...>From " at its start.
constexpr std::size_t kMinKeep = 256;

/// "From sender@example.org Mon Jan  1 00:00:00 2024" -> "sender@example.org".
std::string senderOf(const std::string& fromLine)
{
    const std::size_t start = 5;
    const std::size_t stop = fromLine.find_first_of(" \t\r\n", start);
    const std::string word = fromLine.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
    if (word == "MAILER-DAEMON" || word == "<>")
        return "";
    return bounce::normaliseAddress(word);
}

/// True when a line is an mbox message separator ("From " at its start).
bool isFromLine(const std::string& line)
{
    return line.compare(0, 5, "From ") == 0;
}

} // namespace

void unquoteFromLine(std::string& line)
{
    const std::size_t quotes = line.find_first_not_of('>');
    if (quotes == 0 || quotes == std::string::npos)
        return;
    if (line.compare(quotes, 5, "From ") == 0)
        line.erase(0, 1);
}

MboxReader::MboxReader(std::istream& in, std::size_t maxMessageBytes) : _in(in), _maxBytes(maxMessageBytes)
{
    Line line;
    std::uint64_t at = 0;
    do {
        at = _offset;
        if (!readLine(line, kMinKeep))
            return;  // empty, or only empty lines: an empty mbox
    } while (line.empty());
    _isMbox = isFromLine(line.kept);
    if (_isMbox) {
        _fromLine = std::move(line);
        _fromLineAt = at;
    }
}

bool MboxReader::readLine(Line& line, std::size_t keep)
{
    line.kept.clear();
    line.length = 0;
    std::streambuf* buf = _in.rdbuf();
    while (true) {
        const auto c = buf->sbumpc();
        if (c == std::char_traits<char>::eof())
            break;
        ++line.length;
        if (line.kept.size() < keep)
            line.kept.push_back(static_cast<char>(c));
        if (c == '\n')
            break;
    }
    _offset += line.length;
    return line.length > 0;
}

std::optional<MboxMessage> MboxReader::next()
{
    if (!_isMbox || !_fromLine)
        return std::nullopt;

    MboxMessage m;
    m.begin = _fromLineAt;
    m.envelopeSender = senderOf(_fromLine->kept);
    _fromLine.reset();

    Line line;
    bool previousEmpty = false;
    std::size_t lastLength = 0;    // the last line's length
    std::size_t lastLineKept = 0;  // bytes the last line added to m.data
    while (true) {
        const std::uint64_t at = _offset;
        const std::size_t room = _maxBytes > m.data.size() ? _maxBytes - m.data.size() : 0;
        if (!readLine(line, std::max(room, kMinKeep)))
            break;
        if (previousEmpty && isFromLine(line.kept)) {
            _fromLine = std::move(line);
            _fromLineAt = at;
            break;
        }
        std::size_t length = line.length;
        if (line.kept.size() > 1 && line.kept[0] == '>') {
            const std::size_t before = line.kept.size();
            unquoteFromLine(line.kept);
            length -= before - line.kept.size();
        }
        m.totalBytes += length;
        lastLineKept = std::min(line.kept.size(), room);
        m.data.append(line.kept, 0, lastLineKept);
        previousEmpty = line.empty();
        lastLength = line.length;
    }
    m.end = _offset - (_fromLine ? _fromLine->length : 0);
    // The empty line before the next "From " line (or at the end) is the separator.
    if (previousEmpty) {
        m.blankLineAtEnd = true;
        m.totalBytes -= lastLength;
        m.data.resize(m.data.size() - lastLineKept);
    }
    return m;
}

} // namespace verpmail
