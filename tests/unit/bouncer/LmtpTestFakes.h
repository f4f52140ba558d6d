// Fakes for the LMTP and policy session tests: a scripted byte stream and a desk
// whose answers each test sets.
#pragma once

#include "ReturnDesk.h"
#include "lmtp/ByteStream.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace verpmail::testing {

/// Hands over its chunks one receive at a time (a chunk is one read of the peer's
/// bytes), then ends as told; records what was sent and in how many writes.
class ScriptedStream : public ByteStream
{
public:
    explicit ScriptedStream(std::vector<std::string> chunks, StreamEnd endAs = StreamEnd::Closed)
        : _chunks(std::move(chunks)), _endAs(endAs)
    {
    }

    std::size_t receive(char* buffer, std::size_t size) override
    {
        while (_next < _chunks.size() && _offset == _chunks[_next].size()) {
            ++_next;
            _offset = 0;
        }
        if (_next == _chunks.size()) {
            _end = _endAs;
            return 0;
        }
        const std::string& chunk = _chunks[_next];
        const std::size_t n = std::min(size, chunk.size() - _offset);
        std::memcpy(buffer, chunk.data() + _offset, n);
        _offset += n;
        return n;
    }

    void send(std::string_view bytes) override
    {
        sent.append(bytes);
        ++writes;
    }

    StreamEnd end() const override { return _end; }

    std::string sent;
    int writes = 0;

private:
    std::vector<std::string> _chunks;
    std::size_t _next = 0;
    std::size_t _offset = 0;
    StreamEnd _endAs;
    StreamEnd _end = StreamEnd::None;
};

/// Every recipient is Ours and every return Recorded unless a test says otherwise.
class FakeDesk : public ReturnDesk
{
public:
    RecipientStatus checkRecipient(const std::string& recipient, std::string& detail) override
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        checked.push_back(recipient);
        const auto found = statuses.find(recipient);
        if (found == statuses.end())
            return RecipientStatus::Ours;
        detail = checkDetail;
        return found->second;
    }

    Outcome take(const IncomingMessage& message, std::string& detail) override
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        taken.push_back(message);
        const auto found = outcomes.find(message.recipient);
        if (found == outcomes.end())
            return Outcome::Recorded;
        detail = takeDetail;
        return found->second;
    }

    std::map<std::string, RecipientStatus> statuses;
    std::map<std::string, Outcome> outcomes;
    std::string checkDetail;
    std::string takeDetail;
    std::vector<std::string> checked;
    std::vector<IncomingMessage> taken;

private:
    std::mutex _mutex;
};

/// A logger that writes nowhere unless a test attaches a channel.
inline Poco::Logger& quietLogger()
{
    Poco::Logger& log = Poco::Logger::get("verpmail.test.lmtp");
    log.setLevel(Poco::Message::PRIO_FATAL);
    return log;
}

/// The lines of a reply stream, CRLF removed.
inline std::vector<std::string> replyLines(const std::string& sent)
{
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < sent.size()) {
        const std::size_t end = sent.find("\r\n", pos);
        if (end == std::string::npos) {
            lines.push_back(sent.substr(pos) + "<no CRLF>");
            break;
        }
        lines.push_back(sent.substr(pos, end - pos));
        pos = end + 2;
    }
    return lines;
}

} // namespace verpmail::testing
