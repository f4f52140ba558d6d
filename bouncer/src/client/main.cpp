// verpmail-bouncer-client: the pipe(8) command of the daemon mode. Postfix runs it
// once per return; it hands the message to verpmail-bouncerd over a unix socket
// (bouncer/src/daemon/Protocol.h) and turns the answer into the pipe contract:
// exit 0 when the daemon has committed the return, otherwise one "4.x.x text" line
// on stdout and exit 75, so Postfix keeps the return queued and tries again. No
// other status, ever: Postfix drops a return on any other code.
//
// Deliberately tiny: libc only (no Poco, no MariaDB, no iostreams), so its start-up
// costs about what exec(2) costs. Everything expensive lives in the daemon.
#include "../daemon/Protocol.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {

namespace protocol = verpmail::protocol;

constexpr int kOk = 0;
constexpr int kTempFail = 75;
constexpr const char* kDefaultSocket = "/run/verpmail/bouncerd.sock";
constexpr unsigned kDefaultTimeout = 50;                    // below the 120 s of verpmail_time_limit
constexpr std::size_t kDefaultMaxBytes = 10 * 1024 * 1024;  // bouncer.maxMessageBytes' default

// The alarm handler may only write and _exit: its line is made before the alarm is set.
char gTimeoutLine[200];
std::size_t gTimeoutLength = 0;

extern "C" void onAlarm(int)
{
    (void)!::write(STDOUT_FILENO, gTimeoutLine, gTimeoutLength);
    ::_exit(kTempFail);
}

/// Prints "prefix text" as the one line Postfix logs as the reason (bytes outside
/// printable ASCII masked, length bounded) and returns 75.
int tempfail(std::string_view prefix, std::string_view text)
{
    char line[protocol::kMaxReplyLine + 64];
    std::size_t n = 0;
    for (const std::string_view part : {prefix, text})
        for (const char c : part)
            if (n < sizeof line - 2)
                line[n++] = (c >= 0x20 && c < 0x7f) ? c : '?';
    line[n++] = '\n';
    // Cancel the alarm first: the handler must not add a second line.
    ::alarm(0);
    (void)!::write(STDOUT_FILENO, line, n);
    return kTempFail;
}

int unavailable(const char* what, int error = 0)
{
    char text[300];
    if (error != 0)
        std::snprintf(text, sizeof text, "%s: %s", what, std::strerror(error));
    else
        std::snprintf(text, sizeof text, "%s", what);
    return tempfail("4.3.0 verpmail-bouncerd unavailable: ", text);
}

int usage(const char* problem)
{
    std::fprintf(stderr, "verpmail-bouncer-client: %s (see --help)\n", problem);
    // Under Postfix a usage error is a mistake in master.cf: keep the return queued.
    return tempfail("4.3.5 verpmail-bouncer-client usage error: ", problem);
}

void printHelp()
{
    std::fputs(
        "NAME\n"
        "  verpmail-bouncer-client - hand a returned message to verpmail-bouncerd\n"
        "  (Postfix pipe transport, daemon mode)\n"
        "\n"
        "SYNOPSIS\n"
        "  verpmail-bouncer-client [--socket PATH] [--timeout SECONDS] [--max-bytes N]\n"
        "                          -- SENDER RECIPIENT < message\n"
        "\n"
        "DESCRIPTION\n"
        "  Postfix's pipe(8) runs this command once per return instead of\n"
        "  verpmail-bouncer. It reads the message on stdin (at most N bytes; the rest is\n"
        "  read and dropped, as verpmail-bouncer does), sends it with SENDER and\n"
        "  RECIPIENT to verpmail-bouncerd on the unix socket PATH, and waits for the\n"
        "  daemon to record it. The daemon answers only after its transaction has\n"
        "  committed. The wire protocol is described in bouncer/src/daemon/Protocol.h.\n"
        "\n"
        "OPTIONS\n"
        "  --socket PATH      the daemon's socket (bouncer.socket; default\n"
        "                     /run/verpmail/bouncerd.sock)\n"
        "  --timeout SECONDS  give up after this long in all, reading stdin included\n"
        "                     (default 50; keep it below Postfix's verpmail_time_limit)\n"
        "  --max-bytes N      bytes of the message kept (default 10485760; at least the\n"
        "                     daemon's bouncer.maxMessageBytes)\n"
        "  --help             show this text and exit\n"
        "\n"
        "EXIT STATUS\n"
        "  0   the daemon recorded the return (or stored it as a duplicate or as\n"
        "      unattributed); nothing is printed\n"
        "  75  try again later; stdout holds one line \"4.x.x reason\" that Postfix logs:\n"
        "      the daemon's own reason (database unavailable, ...), or \"4.3.0\n"
        "      verpmail-bouncerd unavailable: ...\" when the daemon is not running, closes\n"
        "      the connection, answers nonsense or does not answer within SECONDS;\n"
        "      \"4.3.5 ... usage error\" for a bad command line; run as root.\n"
        "  No other status is ever returned: Postfix drops a return on any other code.\n"
        "  A return the daemon committed but could not confirm (the client timed out)\n"
        "  is delivered again by Postfix and counted once (the dedup key).\n"
        "\n"
        "SECURITY\n"
        "  Refuses to run as root. Needs only to connect to the socket (mode 0660):\n"
        "  run it as the daemon's user or a member of its group. Reads no files.\n",
        stdout);
}

/// The message from stdin: the first max bytes kept, the rest read and dropped so
/// Postfix's pipe never sees a broken pipe.
struct Input
{
    char* data = nullptr;
    std::size_t size = 0;
    std::size_t total = 0;
    ~Input() { std::free(data); }
};

bool readInput(Input& in, std::size_t max, int& error)
{
    std::size_t capacity = 0;
    char drain[65536];
    for (;;) {
        if (in.size == capacity && capacity < max) {
            const std::size_t next = capacity == 0 ? 65536 : (capacity > max / 2 ? max : capacity * 2);
            char* grown = static_cast<char*>(std::realloc(in.data, next));
            if (!grown) {
                error = ENOMEM;
                return false;
            }
            in.data = grown;
            capacity = next;
        }
        const bool keep = in.size < capacity;
        const ssize_t got =
            keep ? ::read(STDIN_FILENO, in.data + in.size, capacity - in.size) : ::read(STDIN_FILENO, drain, sizeof drain);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            error = errno;
            return false;
        }
        if (got == 0)
            return true;
        in.total += static_cast<std::size_t>(got);
        if (keep)
            in.size += static_cast<std::size_t>(got);
    }
}

/// Writes every iovec; false with errno set when the connection breaks.
bool writeAll(int fd, iovec* parts, int count)
{
    while (count > 0) {
        const ssize_t n = ::writev(fd, parts, count);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        auto left = static_cast<std::size_t>(n);
        while (count > 0 && left >= parts->iov_len) {
            left -= parts->iov_len;
            ++parts;
            --count;
        }
        if (count > 0) {
            parts->iov_base = static_cast<char*>(parts->iov_base) + left;
            parts->iov_len -= left;
        }
    }
    return true;
}

bool parseNumber(const char* text, unsigned long long max, unsigned long long& value)
{
    if (!text || *text < '0' || *text > '9')
        return false;
    char* end = nullptr;
    errno = 0;
    value = std::strtoull(text, &end, 10);
    return errno == 0 && *end == '\0' && value >= 1 && value <= max;
}

struct Socket
{
    int fd = -1;
    ~Socket()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

int deliver(const char* socketPath, std::string_view sender, std::string_view recipient, const Input& in)
{
    protocol::RequestHeader header;
    header.senderBytes = sender.size();
    header.recipientBytes = recipient.size();
    header.messageBytes = in.size;
    char line[protocol::kMaxRequestLine + 1];
    const std::size_t lineLength = protocol::formatRequestLine(header, line, sizeof line);
    if (lineLength == 0)
        return usage("SENDER or RECIPIENT longer than 4096 bytes");

    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (std::strlen(socketPath) >= sizeof address.sun_path)
        return usage("--socket PATH too long");
    std::strcpy(address.sun_path, socketPath);
    Socket s;
    s.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s.fd < 0)
        return unavailable("socket", errno);
    char what[200];
    std::snprintf(what, sizeof what, "cannot connect to %s", socketPath);
    while (::connect(s.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        if (errno != EINTR)
            return unavailable(what, errno);

    iovec parts[4] = {{line, lineLength},
                      {const_cast<char*>(sender.data()), sender.size()},
                      {const_cast<char*>(recipient.data()), recipient.size()},
                      {in.data, in.size}};
    // A daemon that refuses the request answers before it has read it all: a failed
    // write is not the end, the answer may be waiting.
    const bool sent = writeAll(s.fd, parts, 4);
    const int sendError = sent ? 0 : errno;

    char reply[protocol::kMaxReplyLine + 1];
    std::size_t n = 0;
    for (;;) {
        const ssize_t got = ::read(s.fd, reply + n, sizeof reply - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return unavailable(sent ? "connection lost while waiting for the reply" : "connection lost while sending",
                               sent ? errno : sendError);
        if (got == 0)
            return unavailable(sent ? "connection closed without a reply" : "connection lost while sending",
                               sent ? 0 : sendError);
        const void* lf = std::memchr(reply + n, '\n', static_cast<std::size_t>(got));
        n += static_cast<std::size_t>(got);
        if (lf) {
            n = static_cast<std::size_t>(static_cast<const char*>(lf) - reply);
            break;
        }
        if (n == sizeof reply)
            return unavailable("reply line too long");
    }

    const protocol::Reply answer = protocol::parseReply(std::string_view(reply, n));
    switch (answer.kind) {
    case protocol::ReplyKind::Ok: return kOk;
    case protocol::ReplyKind::TempFail: return tempfail("", answer.text);
    case protocol::ReplyKind::Invalid: break;
    }
    return unavailable("unexpected reply");
}

} // namespace

int main(int argc, char** argv)
{
    const char* socketPath = kDefaultSocket;
    unsigned long long timeout = kDefaultTimeout;
    unsigned long long maxBytes = kDefaultMaxBytes;
    int i = 1;
    for (; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") {
            ++i;
            break;
        }
        if (arg == "--help" || arg == "-h") {
            printHelp();
            return kOk;
        }
        if (arg.substr(0, 2) != "--")
            break;
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        if (arg == "--socket" && value && *value == '/')
            socketPath = value;
        else if (arg == "--socket")
            return usage("--socket needs an absolute PATH");
        else if (arg == "--timeout" && parseNumber(value, 3600, timeout)) {
        } else if (arg == "--timeout")
            return usage("--timeout needs SECONDS from 1 to 3600");
        else if (arg == "--max-bytes" && parseNumber(value, protocol::kMaxMessageBytes, maxBytes)) {
        } else if (arg == "--max-bytes")
            return usage("--max-bytes needs N from 1 to 1073741824");
        else
            return usage("unknown option");
        ++i;
    }
    if (argc - i != 2)
        return usage("expected -- SENDER RECIPIENT (check master.cf and verpmail_destination_recipient_limit = 1)");
    if (::geteuid() == 0)
        return tempfail("4.3.0 ", "verpmail-bouncer-client refuses to run as root (set user= in master.cf)");

    // One limit for the whole run, stdin included, as the bouncer's Watchdog: Postfix
    // would bounce (drop) the return of a command it has to kill.
    const int length = std::snprintf(gTimeoutLine, sizeof gTimeoutLine,
                                     "4.3.0 verpmail-bouncerd unavailable: no reply within %llu s\n", timeout);
    gTimeoutLength = length > 0 ? static_cast<std::size_t>(length) : 0;
    struct sigaction action {};
    action.sa_handler = onAlarm;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGALRM, &action, nullptr);
    // A daemon that closes early must cost a line of text, not the process.
    ::signal(SIGPIPE, SIG_IGN);
    ::alarm(static_cast<unsigned>(timeout));

    Input in;
    int error = 0;
    // Everything is read before the daemon is asked, so a retry sends the same bytes.
    if (!readInput(in, static_cast<std::size_t>(maxBytes), error))
        return tempfail("4.3.0 verpmail-bouncer-client cannot read the message: ", std::strerror(error));
    return deliver(socketPath, argv[i], argv[i + 1], in);
}
