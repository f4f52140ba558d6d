// Fakes for the verpmail-web tests: a MembershipDirectory in memory that behaves as
// MembershipStore does (genuine tokens only, idempotent opt-out), can be made to fail
// like a database that is down, and records every call; and a Poco logger that keeps
// its lines.
#pragma once

#include "MembershipDirectory.h"

#include "verpmail/mail/UnsubscribeToken.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace verpmail::web::testing {

class FakeDirectory : public MembershipDirectory
{
public:
    struct OptOutCall
    {
        std::uint64_t id;
        std::string actor;
        std::string via;
    };

    FakeDirectory() : tokens(std::string(32, 'k')) {}

    /// Adds a membership; returns its genuine token.
    std::string add(std::uint64_t id, std::uint64_t listId, const std::string& list, const std::string& email,
                    bool active = true, const std::string& reason = "")
    {
        const std::lock_guard<std::mutex> lock(mutex);
        members[id] = Membership{id, listId, list, email, active, reason};
        return tokens.make(id, listId, email);
    }

    std::optional<Membership> byToken(std::string_view token) override
    {
        const std::lock_guard<std::mutex> lock(mutex);
        ++lookups;
        failIfDown();
        const std::optional<ParsedUnsubscribeToken> parsed = UnsubscribeTokens::parse(token);
        if (!parsed || !members.count(parsed->memberId))
            return std::nullopt;
        const Membership& m = members.at(parsed->memberId);
        if (!tokens.verify(*parsed, m.listId, m.email))
            return std::nullopt;
        return m;
    }

    OptOut unsubscribe(std::uint64_t id, const std::string& actor, const std::string& via) override
    {
        std::unique_lock<std::mutex> lock(mutex);
        ++optOutsEntered;
        entered.notify_all();
        // A test may hold the opt-out here, to stop the server while it is in hand.
        held.wait(lock, [&] { return !holdOptOuts; });
        failIfDown();
        calls.push_back({id, actor, via});
        if (!members.count(id))
            return OptOut::NoSuchMembership;
        Membership& m = members.at(id);
        if (!m.active && (m.inactiveReason == "unsubscribed" || m.inactiveReason == "complaint"))
            return OptOut::AlreadyOut;
        m.active = false;
        m.inactiveReason = "unsubscribed";
        ++audits;
        return OptOut::Unsubscribed;
    }

    void ping() override
    {
        const std::lock_guard<std::mutex> lock(mutex);
        failIfDown();
    }

    void hold(bool on)
    {
        {
            const std::lock_guard<std::mutex> lock(mutex);
            holdOptOuts = on;
        }
        held.notify_all();
    }

    /// Waits up to `limit` until `count` opt-outs have begun.
    bool waitForOptOuts(int count, std::chrono::milliseconds limit)
    {
        std::unique_lock<std::mutex> lock(mutex);
        return entered.wait_for(lock, limit, [&] { return optOutsEntered >= count; });
    }

    std::vector<OptOutCall> callsSeen()
    {
        const std::lock_guard<std::mutex> lock(mutex);
        return calls;
    }

    Membership member(std::uint64_t id)
    {
        const std::lock_guard<std::mutex> lock(mutex);
        return members.at(id);
    }

    UnsubscribeTokens tokens;
    std::mutex mutex;
    std::condition_variable held;
    std::condition_variable entered;
    bool holdOptOuts = false;
    int optOutsEntered = 0;
    std::map<std::uint64_t, Membership> members;
    std::vector<OptOutCall> calls;
    int lookups = 0;
    int audits = 0;
    bool down = false;
    bool transient = true;

private:
    void failIfDown() const
    {
        if (down)
            throw StoreUnavailable("database: MySQL error 2002 (HY000): Can't connect", transient);
    }
};

/// A Poco channel keeping every line it is given.
class KeptLines : public Poco::Channel
{
public:
    void log(const Poco::Message& message) override
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        _lines.push_back(message.getText());
    }

    std::vector<std::string> lines() const
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        return _lines;
    }

    /// The lines holding every one of `parts`.
    std::vector<std::string> matching(std::initializer_list<std::string> parts) const
    {
        std::vector<std::string> out;
        for (const std::string& line : lines()) {
            bool all = true;
            for (const std::string& p : parts)
                all = all && line.find(p) != std::string::npos;
            if (all)
                out.push_back(line);
        }
        return out;
    }

private:
    mutable std::mutex _mutex;
    std::vector<std::string> _lines;
};

/// A logger of its own per test (Poco loggers live forever: a fresh name each time).
inline Poco::Logger& keptLogger(Poco::AutoPtr<KeptLines>& lines)
{
    static int count = 0;
    lines = new KeptLines;
    Poco::Logger& log = Poco::Logger::get("verpmail-web-test-" + std::to_string(++count));
    log.setChannel(lines);
    log.setLevel(Poco::Message::PRIO_DEBUG);
    return log;
}

} // namespace verpmail::web::testing
