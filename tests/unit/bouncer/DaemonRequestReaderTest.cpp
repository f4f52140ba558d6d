// Reading one daemon request from a socket (bouncer/src/daemon/RequestReader.h): the
// exact bytes, truncation as the pipe bouncer truncates, and every way a client can
// fail ends in a status, never a hang or an exception.
#include "daemon/RequestReader.h"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace verpmail {
namespace {

using namespace std::chrono_literals;

/// A connected socket pair: the test writes to client, readRequest reads server.
struct Pair
{
    int client = -1;
    int server = -1;
    Pair()
    {
        int fds[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
        client = fds[0];
        server = fds[1];
    }
    ~Pair()
    {
        closeClient();
        ::close(server);
    }
    void closeClient()
    {
        if (client >= 0)
            ::close(client);
        client = -1;
    }
};

std::string request(const std::string& sender, const std::string& recipient, const std::string& message)
{
    return "VERPMAIL-RETURN 1 " + std::to_string(sender.size()) + " " + std::to_string(recipient.size()) + " " +
           std::to_string(message.size()) + "\n" + sender + recipient + message;
}

/// Writes text from another thread (it may be larger than the socket buffer).
ReadOutcome sendAndRead(const std::string& text, std::size_t maxMessageBytes, bool closeAfter = true,
                     std::chrono::milliseconds timeout = 2000ms)
{
    Pair pair;
    std::thread writer([&] {
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(pair.client, text.data() + done, text.size() - done);
            if (n <= 0)
                break;
            done += static_cast<std::size_t>(n);
        }
        if (closeAfter)
            ::shutdown(pair.client, SHUT_WR);
    });
    ReadOutcome got = readRequest(pair.server, maxMessageBytes, std::chrono::steady_clock::now() + timeout);
    ::shutdown(pair.server, SHUT_RDWR);  // unblocks a writer the reader gave up on
    writer.join();
    return got;
}

TEST(DaemonRequestReader, ReadsTheThreeByteStrings)
{
    const std::string message("From: MAILER-DAEMON\r\n\r\nbinary \0 bytes\n.\n", 40);
    const ReadOutcome got = sendAndRead(request("MAILER-DAEMON", "sentto-abc@bounces.test", message), 1 << 20);
    ASSERT_EQ(got.status, ReadStatus::Ok) << got.problem;
    EXPECT_EQ(got.request.sender, "MAILER-DAEMON");
    EXPECT_EQ(got.request.recipient, "sentto-abc@bounces.test");
    EXPECT_EQ(got.request.message, message);
    EXPECT_EQ(got.request.totalBytes, message.size());
}

TEST(DaemonRequestReader, EmptyFieldsAreValid)
{
    const ReadOutcome got = sendAndRead(request("", "r@x", ""), 1024);
    ASSERT_EQ(got.status, ReadStatus::Ok);
    EXPECT_TRUE(got.request.sender.empty());
    EXPECT_TRUE(got.request.message.empty());
}

TEST(DaemonRequestReader, TruncatesLikeThePipeBouncer)
{
    // Larger than the socket buffer and the reader's own buffer: read in many pieces.
    std::string message(3 * 1024 * 1024 + 7, 'x');
    message[0] = 'F';
    const ReadOutcome got = sendAndRead(request("s", "r", message), 100000);
    ASSERT_EQ(got.status, ReadStatus::Ok) << got.problem;
    EXPECT_EQ(got.request.message, message.substr(0, 100000));
    EXPECT_EQ(got.request.totalBytes, message.size());
}

TEST(DaemonRequestReader, BadRequestLineIsAProtocolError)
{
    const ReadOutcome got = sendAndRead("HELO example.org\r\n", 1024);
    EXPECT_EQ(got.status, ReadStatus::Protocol);
    EXPECT_STREQ(got.problem, "not a VERPMAIL-RETURN request");
}

TEST(DaemonRequestReader, EndlessLineIsAProtocolError)
{
    const ReadOutcome got = sendAndRead(std::string(1 << 20, 'V'), 1024);
    EXPECT_EQ(got.status, ReadStatus::Protocol);
    EXPECT_STREQ(got.problem, "request line too long");
}

TEST(DaemonRequestReader, ShortBodyIsAProtocolError)
{
    std::string text = request("s", "r", "0123456789");
    text.resize(text.size() - 3);
    const ReadOutcome got = sendAndRead(text, 1024);
    EXPECT_EQ(got.status, ReadStatus::Protocol);
    EXPECT_STREQ(got.problem, "connection closed before the end of the request");
}

TEST(DaemonRequestReader, ClosedWithoutAWord)
{
    const ReadOutcome got = sendAndRead("", 1024);
    EXPECT_EQ(got.status, ReadStatus::Protocol);
}

TEST(DaemonRequestReader, StalledClientTimesOut)
{
    std::string text = request("s", "r", "0123456789");
    text.resize(text.size() - 3);
    const auto start = std::chrono::steady_clock::now();
    const ReadOutcome got = sendAndRead(text, 1024, false, 200ms);
    EXPECT_EQ(got.status, ReadStatus::Timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(DaemonRequestReader, BytesAfterTheRequestAreIgnored)
{
    const ReadOutcome got = sendAndRead(request("s", "r", "m") + "garbage", 1024);
    ASSERT_EQ(got.status, ReadStatus::Ok);
    EXPECT_EQ(got.request.message, "m");
}

} // namespace
} // namespace verpmail
