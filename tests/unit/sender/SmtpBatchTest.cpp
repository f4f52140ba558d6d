// SmtpBatchTest: what the sender relies on in libESMTP, against a scripted SMTP
// server on loopback: messages added while the session runs (from the drained hook)
// go out in the same connection, each message's result is final when the hook runs,
// and a refusal at DATA is the message's, not the member's.
#include "SmtpBatch.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace verpmail {
namespace {

/// One-connection-at-a-time SMTP server: PIPELINING, DSN and enhanced status codes
/// offered, every command accepted, except that the messages whose number (from 1,
/// over all connections) is in refuseAtDot get "554 5.7.1" after their data.
class ScriptedServer
{
public:
    explicit ScriptedServer(std::vector<int> refuseAtDot = {})
        : _socket(Poco::Net::SocketAddress("127.0.0.1", 0)), _refuse(std::move(refuseAtDot)),
          _thread([this] { serve(); })
    {
    }
    ~ScriptedServer()
    {
        _stopping = true;
        _socket.close();
        _thread.join();
    }
    std::string address() const { return "127.0.0.1:" + std::to_string(_socket.address().port()); }
    int connections() const { return _connections; }
    int messages() const { return _messages; }

private:
    void serve()
    {
        while (!_stopping) {
            Poco::Net::StreamSocket peer;
            try {
                if (!_socket.poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ))
                    continue;
                peer = _socket.acceptConnection();
            } catch (...) {
                return;
            }
            ++_connections;
            session(peer);
        }
    }

    void session(Poco::Net::StreamSocket& peer)
    {
        peer.setReceiveTimeout(Poco::Timespan(5, 0));
        Poco::Net::SocketStream io(peer);
        io << "220 scripted ESMTP\r\n" << std::flush;
        std::string line;
        while (std::getline(io, line)) {
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            const std::string verb = line.substr(0, 4);
            if (verb == "EHLO")
                io << "250-scripted\r\n250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";
            else if (verb == "DATA") {
                io << "354 go ahead\r\n" << std::flush;
                while (std::getline(io, line) && line != ".\r" && line != ".") {
                }
                const int n = ++_messages;
                const bool refuse = std::find(_refuse.begin(), _refuse.end(), n) != _refuse.end();
                io << (refuse ? "554 5.7.1 message content rejected\r\n" : "250 2.0.0 queued\r\n");
            } else if (verb == "QUIT") {
                io << "221 bye\r\n" << std::flush;
                return;
            } else
                io << "250 2.0.0 ok\r\n";
            io << std::flush;
        }
    }

    Poco::Net::ServerSocket _socket;
    std::vector<int> _refuse;
    std::atomic<bool> _stopping{false};
    std::atomic<int> _connections{0};
    std::atomic<int> _messages{0};
    std::thread _thread;
};

SmtpSettings settingsFor(const ScriptedServer& server)
{
    SmtpSettings s;
    s.server = server.address();
    s.helo = "sender.example.test";
    s.timeoutSeconds = 10;
    return s;
}

void addMessage(SmtpBatch& smtp, int n)
{
    const std::string rcpt = "m" + std::to_string(n) + "@example.test";
    smtp.add("sentto-x" + std::to_string(n) + "@bounces.example.test", rcpt,
             "From: list@example.test\r\nTo: " + rcpt + "\r\nSubject: n\r\n\r\nbody " + std::to_string(n) + "\r\n");
}

TEST(SmtpBatch, MessagesAddedWhenDrainedGoOutInTheSameSession)
{
    ScriptedServer server;
    SmtpBatch smtp(settingsFor(server), "campaign-1");
    addMessage(smtp, 1);
    addMessage(smtp, 2);
    std::vector<std::size_t> drainedAt;
    std::vector<SubmitOutcome> seenFinal;
    smtp.onDrained([&] {
        drainedAt.push_back(smtp.size());
        for (std::size_t i = 0; i < smtp.size(); ++i)
            seenFinal.push_back(smtp.resultOf(i).outcome);
        if (smtp.size() < 5) {
            addMessage(smtp, static_cast<int>(smtp.size()) + 1);
            addMessage(smtp, static_cast<int>(smtp.size()) + 1);
        }
    });
    smtp.run();
    EXPECT_EQ(server.connections(), 1);
    EXPECT_EQ(server.messages(), 6);
    EXPECT_EQ(drainedAt, (std::vector<std::size_t>{2, 4, 6}));
    // When the hook runs, every message added so far has its final reply.
    EXPECT_EQ(seenFinal, std::vector<SubmitOutcome>(2 + 4 + 6, SubmitOutcome::Accepted));
    ASSERT_EQ(smtp.results().size(), 6u);
    for (const SubmitResult& r : smtp.results()) {
        EXPECT_EQ(r.outcome, SubmitOutcome::Accepted);
        EXPECT_EQ(r.code, 250);
    }
}

TEST(SmtpBatch, ARefusalAtDataIsTheMessagesAndTheSessionGoesOn)
{
    ScriptedServer server({2});
    SmtpBatch smtp(settingsFor(server), "campaign-2");
    for (int n = 1; n <= 3; ++n)
        addMessage(smtp, n);
    int drained = 0;
    smtp.onDrained([&] { ++drained; });
    smtp.run();
    EXPECT_EQ(drained, 1);
    EXPECT_EQ(server.messages(), 3);
    ASSERT_EQ(smtp.results().size(), 3u);
    EXPECT_EQ(smtp.results()[0].outcome, SubmitOutcome::Accepted);
    EXPECT_EQ(smtp.results()[1].outcome, SubmitOutcome::Refused);
    EXPECT_EQ(smtp.results()[1].enhanced, "5.7.1");
    EXPECT_EQ(smtp.results()[2].outcome, SubmitOutcome::Accepted);
}

TEST(SmtpBatch, ForgottenMessagesKeepTheirResults)
{
    ScriptedServer server;
    SmtpBatch smtp(settingsFor(server), "campaign-3");
    addMessage(smtp, 1);
    smtp.onDrained([&] {
        smtp.forget(0, smtp.size());
        if (smtp.size() == 1)
            addMessage(smtp, 2);
    });
    smtp.run();
    EXPECT_EQ(server.messages(), 2);
    ASSERT_EQ(smtp.results().size(), 2u);
    EXPECT_EQ(smtp.results()[0].outcome, SubmitOutcome::Accepted);
    EXPECT_EQ(smtp.results()[1].outcome, SubmitOutcome::Accepted);
}

} // namespace
} // namespace verpmail
