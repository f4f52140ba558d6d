// The servers on real sockets: a unix socket in a temporary directory and TCP on
// the loopback, spoken to with Poco::Net::StreamSocket.
#include "LmtpTestFakes.h"

#include "lmtp/Servers.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamChannel.h>

#include <gtest/gtest.h>

#include "TestSupport.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <grp.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace verpmail {
namespace {

using test::TempDir;

using Poco::Net::SocketAddress;
using Poco::Net::StreamSocket;

/// Reads replies until one that is not a continuation ("250-...") has arrived, or
/// until `lines` lines have.
std::string readReplies(StreamSocket& socket, std::size_t lines)
{
    std::string got;
    char buffer[4096];
    while (std::count(got.begin(), got.end(), '\n') < static_cast<long>(lines)) {
        const int n = socket.receiveBytes(buffer, sizeof buffer);
        if (n <= 0)
            break;
        got.append(buffer, static_cast<std::size_t>(n));
    }
    return got;
}

void sendAll(StreamSocket& socket, const std::string& text)
{
    socket.sendBytes(text.data(), static_cast<int>(text.size()));
}

LmtpSettings unixSettings(const std::string& path)
{
    LmtpSettings s;
    s.hostname = "mx.test";
    s.server.listen = {*parseListenAddress("unix:" + path)};
    s.server.socketMode = 0660;
    s.server.threads = 2;
    s.server.idleTimeoutSeconds = 5;
    return s;
}

TEST(LmtpServer, ServesADialogueOnAUnixSocket)
{
    TempDir dir;
    const std::string path = dir.path + "/lmtp.sock";
    testing::FakeDesk desk;
    desk.outcomes["b@bounces.test"] = Outcome::DatabaseUnavailable;
    LmtpServer server(unixSettings(path), desk, testing::quietLogger());
    server.start();

    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_TRUE(S_ISSOCK(info.st_mode));
    EXPECT_EQ(info.st_mode & 07777, 0660u);
    EXPECT_EQ(server.addresses(), std::vector<std::string>{"unix:" + path});

    StreamSocket client;
    client.connect(SocketAddress(SocketAddress::UNIX_LOCAL, path));
    client.setReceiveTimeout(Poco::Timespan(5, 0));
    EXPECT_EQ(readReplies(client, 1), "220 mx.test LMTP verpmail\r\n");
    sendAll(client, "LHLO client\r\n");
    EXPECT_EQ(readReplies(client, 6).substr(0, 13), "250-mx.test\r\n");
    sendAll(client, "MAIL FROM:<>\r\nRCPT TO:<a@bounces.test>\r\nRCPT TO:<b@bounces.test>\r\nDATA\r\n");
    EXPECT_EQ(readReplies(client, 4), "250 2.0.0 Ok\r\n" + lmtpRcptReply(RecipientStatus::Ours, "") + "\r\n" +
                                          lmtpRcptReply(RecipientStatus::Ours, "") +
                                          "\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
    sendAll(client, "Subject: returned\r\n\r\nbody\r\n.\r\nQUIT\r\n");
    EXPECT_EQ(readReplies(client, 3), lmtpDataReply(Outcome::Recorded, "") + "\r\n" +
                                          lmtpDataReply(Outcome::DatabaseUnavailable, "") + "\r\n221 2.0.0 Bye\r\n");
    server.stop();
    ASSERT_EQ(desk.taken.size(), 2u);
    EXPECT_EQ(desk.taken[0].data, "Return-Path: <>\nSubject: returned\n\nbody\n");
    EXPECT_NE(::access(path.c_str(), F_OK), 0) << "the socket file is removed on stop";
}

TEST(LmtpServer, StopEndsIdleSessionsPromptly)
{
    TempDir dir;
    const std::string path = dir.path + "/lmtp.sock";
    testing::FakeDesk desk;
    LmtpSettings settings = unixSettings(path);
    settings.server.idleTimeoutSeconds = 300;
    LmtpServer server(settings, desk, testing::quietLogger());
    server.start();
    StreamSocket client;
    client.connect(SocketAddress(SocketAddress::UNIX_LOCAL, path));
    client.setReceiveTimeout(Poco::Timespan(5, 0));
    EXPECT_EQ(readReplies(client, 1).substr(0, 4), "220 ");
    const auto before = std::chrono::steady_clock::now();
    server.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
}

/// A desk whose take() waits until the test lets it go, and says when it has begun.
class SlowDesk : public testing::FakeDesk
{
public:
    Outcome take(const IncomingMessage& message, std::string& detail) override
    {
        std::unique_lock<std::mutex> lock(_mutex);
        _begun = true;
        _changed.notify_all();
        _changed.wait(lock, [this] { return _released; });
        lock.unlock();
        return FakeDesk::take(message, detail);
    }

    void waitUntilBegun()
    {
        std::unique_lock<std::mutex> lock(_mutex);
        _changed.wait(lock, [this] { return _begun; });
    }

    void release()
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        _released = true;
        _changed.notify_all();
    }

private:
    std::mutex _mutex;
    std::condition_variable _changed;
    bool _begun = false;
    bool _released = false;
};

TEST(LmtpServer, StopLetsATransactionInHandFinishAndAnswer)
{
    TempDir dir;
    const std::string path = dir.path + "/lmtp.sock";
    SlowDesk desk;
    LmtpServer server(unixSettings(path), desk, testing::quietLogger());
    server.start();
    StreamSocket client;
    client.connect(SocketAddress(SocketAddress::UNIX_LOCAL, path));
    client.setReceiveTimeout(Poco::Timespan(5, 0));
    sendAll(client, "LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<a@bounces.test>\r\nDATA\r\nSubject: x\r\n\r\n.\r\n");
    desk.waitUntilBegun();
    std::future<void> stopping = std::async(std::launch::async, [&server] { server.stop(); });
    EXPECT_EQ(stopping.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
        << "stop() waits for the transaction in hand";
    desk.release();
    stopping.get();
    const std::string replies = readReplies(client, 11);
    EXPECT_NE(replies.find(lmtpDataReply(Outcome::Recorded, "") + "\r\n"), std::string::npos) << replies;
    ASSERT_EQ(desk.taken.size(), 1u);
}

TEST(LmtpServer, GivesTheSocketTheConfiguredGroup)
{
    const group* mine = ::getgrgid(::getgid());
    ASSERT_NE(mine, nullptr);
    TempDir dir;
    const std::string path = dir.path + "/lmtp.sock";
    LmtpSettings settings = unixSettings(path);
    settings.server.socketGroup = mine->gr_name;
    settings.server.socketMode = 0666;
    testing::FakeDesk desk;
    LmtpServer server(settings, desk, testing::quietLogger());
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_gid, ::getgid());
    EXPECT_EQ(info.st_mode & 07777, 0666u);
    settings.server.socketGroup = "no-such-group-verpmail";
    EXPECT_THROW(LmtpServer(settings, desk, testing::quietLogger()), ListenError);
}

TEST(LmtpServer, ReplacesAStaleSocketButNotALiveOne)
{
    TempDir dir;
    const std::string path = dir.path + "/lmtp.sock";
    {
        // A socket file whose server is gone: bound, never listening, closed.
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strcpy(address.sun_path, path.c_str());
        ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        ::close(fd);
    }
    testing::FakeDesk desk;
    LmtpServer first(unixSettings(path), desk, testing::quietLogger());
    first.start();
    EXPECT_THROW(LmtpServer(unixSettings(path), desk, testing::quietLogger()), ListenError);
    StreamSocket client;
    client.connect(SocketAddress(SocketAddress::UNIX_LOCAL, path));
    client.setReceiveTimeout(Poco::Timespan(5, 0));
    EXPECT_EQ(readReplies(client, 1).substr(0, 4), "220 ");
}

TEST(LmtpServer, RefusesToReplaceAFileThatIsNotASocket)
{
    TempDir dir;
    const std::string path = dir.path + "/lmtp.sock";
    std::ofstream(path) << "keep\n";
    testing::FakeDesk desk;
    EXPECT_THROW(LmtpServer(unixSettings(path), desk, testing::quietLogger()), ListenError);
    EXPECT_EQ(::access(path.c_str(), F_OK), 0);
}

TEST(LmtpServer, NamesItsClientsInTheLog)
{
    TempDir dir;
    testing::FakeDesk desk;
    desk.statuses["x@bounces.test"] = RecipientStatus::NotOurs;
    std::ostringstream logged;
    Poco::Logger& log = Poco::Logger::get("verpmail.test.lmtp.clients");
    log.setChannel(new Poco::StreamChannel(logged));
    log.setLevel(Poco::Message::PRIO_INFORMATION);
    LmtpSettings settings = unixSettings(dir.path + "/lmtp.sock");
    settings.server.listen.push_back(*parseListenAddress("inet:127.0.0.1:0"));
    LmtpServer server(settings, desk, log);
    server.start();
    for (const std::string& address : server.addresses()) {
        StreamSocket client;
        if (address.substr(0, 5) == "unix:")
            client.connect(SocketAddress(SocketAddress::UNIX_LOCAL, address.substr(5)));
        else
            client.connect(SocketAddress(address.substr(5)));
        client.setReceiveTimeout(Poco::Timespan(5, 0));
        sendAll(client, "LHLO client\r\nMAIL FROM:<>\r\nRCPT TO:<x@bounces.test>\r\nQUIT\r\n");
        EXPECT_NE(readReplies(client, 10).find("221 2.0.0 Bye"), std::string::npos);
    }
    server.stop();
    EXPECT_NE(logged.str().find("lmtp: client=unix from=<> to=<x@bounces.test> status=refused"), std::string::npos)
        << logged.str();
    EXPECT_NE(logged.str().find("lmtp: client=127.0.0.1:"), std::string::npos) << logged.str();
}

TEST(PolicyServer, AnswersOnTcp)
{
    testing::FakeDesk desk;
    desk.statuses["x@bounces.test"] = RecipientStatus::NotOurs;
    PolicyServiceSettings settings;
    settings.server.listen = {*parseListenAddress("inet:127.0.0.1:0")};
    settings.bounceDomains = {"bounces.test"};
    PolicyServer server(settings, desk, testing::quietLogger());
    server.start();
    const std::vector<std::string> addresses = server.addresses();
    ASSERT_EQ(addresses.size(), 1u);
    ASSERT_EQ(addresses[0].substr(0, 15), "inet:127.0.0.1:");
    EXPECT_NE(addresses[0], "inet:127.0.0.1:0");

    StreamSocket client;
    client.connect(SocketAddress(addresses[0].substr(5)));
    client.setReceiveTimeout(Poco::Timespan(5, 0));
    sendAll(client, "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=x@bounces.test\n\n"
                    "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=y@bounces.test\n\n");
    std::string got;
    char buffer[1024];
    while (std::count(got.begin(), got.end(), '\n') < 4) {
        const int n = client.receiveBytes(buffer, sizeof buffer);
        ASSERT_GT(n, 0);
        got.append(buffer, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(got, "action=" + policyAction(RecipientStatus::NotOurs) + "\n\naction=DUNNO\n\n");
    server.stop();
}

TEST(ListenAddresses, ParseTheConfiguredForms)
{
    const auto list = parseListenList(" unix:/run/verpmail/lmtp.sock , inet:127.0.0.1:24,inet:[::1]:24 ");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 3u);
    EXPECT_EQ((*list)[0].kind, ListenAddress::Kind::Unix);
    EXPECT_EQ((*list)[0].where, "/run/verpmail/lmtp.sock");
    EXPECT_EQ((*list)[1].text(), "inet:127.0.0.1:24");
    EXPECT_EQ((*list)[2].where, "[::1]:24");
    EXPECT_TRUE(parseListenList("")->empty());
    for (const char* bad : {"/run/x.sock", "unix:relative", "inet:host", "inet::24", "inet:host:", "inet:h:2x",
                            "tcp:h:24", "unix:/a,,unix:/b"})
        EXPECT_FALSE(parseListenList(bad)) << bad;
}

} // namespace
} // namespace verpmail
