#include "BouncerDaemon.h"

#include "DaemonSettings.h"
#include "ListenSocket.h"
#include "Worker.h"

#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/util/ExitStatus.h"
#include "verpmail/util/Printable.h"

#include <mysql.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <list>
#include <system_error>
#include <thread>

namespace verpmail {
namespace {

/// Start-up failures go to whoever started the daemon (systemd's journal reads
/// stderr) and to the log.
int startFailure(Poco::Logger& log, ExitStatus status, const std::string& text)
{
    std::cerr << "verpmail-bouncerd: " << printable(text, 500) << "\n";
    log.critical("status=failed exit=%d reason=\"%s\"", toInt(status), printable(text, 500));
    return toInt(status);
}

/// The pipe whose write end closing tells every worker to stop: one close wakes
/// them all (poll sees the read end hang up), and nothing has to be async-signal-safe
/// because the main thread waits for signals with sigwait().
class StopPipe
{
public:
    StopPipe()
    {
        if (::pipe2(_fds, O_CLOEXEC) != 0)
            throw std::system_error(errno, std::generic_category(), "pipe");
    }
    ~StopPipe()
    {
        stop();
        ::close(_fds[0]);
    }
    StopPipe(const StopPipe&) = delete;
    StopPipe& operator=(const StopPipe&) = delete;

    int readEnd() const { return _fds[0]; }
    void stop()
    {
        if (_fds[1] >= 0)
            ::close(_fds[1]);
        _fds[1] = -1;
    }

private:
    int _fds[2] = {-1, -1};
};

} // namespace

BouncerDaemon::BouncerDaemon() : ProgramBase("verpmail-bouncerd", true) {}

void BouncerDaemon::printHelp() const
{
    std::cout <<
        "NAME\n"
        "  verpmail-bouncerd - record returned mail for verpmail (long-running daemon)\n"
        "\n"
        "SYNOPSIS\n"
        "  verpmail-bouncerd [--config FILE] [--define KEY=VALUE]\n"
        "\n"
        "DESCRIPTION\n"
        "  The daemon form of the bouncer. Postfix's pipe(8) runs verpmail-bouncer once\n"
        "  per return; while this daemon answers on bouncer.socket, verpmail-bouncer (a\n"
        "  small libc-only front) hands the message to it and waits for the answer;\n"
        "  when it does not, verpmail-bouncer records the return itself. Each of\n"
        "  bouncer.workers threads keeps its own database connection and its prepared\n"
        "  statements, so a return costs the start of the small front plus one\n"
        "  transaction, not a start of the whole bouncer and a new connection.\n"
        "\n"
        "  Returns are recorded exactly as verpmail-bouncer-direct records them (attribution,\n"
        "  parsing, classification, incidents, one transaction, the same dedup key), and\n"
        "  the answer \"OK\" is sent only after the commit. Any failure is answered\n"
        "  \"TEMPFAIL 4.x.x text\"; verpmail-bouncer then exits 75 and Postfix keeps the return.\n"
        "  The protocol is described in bouncer/src/daemon/Protocol.h.\n"
        "\n"
        "  It runs in the foreground and logs to syslog (LOG_MAIL) unless logging.* keys\n"
        "  say otherwise. SIGTERM or SIGINT: stop accepting, answer the requests in\n"
        "  hand, remove the socket, exit 0. A stale socket left by a killed daemon is\n"
        "  replaced; a socket a running daemon answers on is not.\n"
        "\n"
        "OPTIONS\n"
        << commonOptionsHelp() <<
        "\n"
        "EXIT STATUS\n"
        "  0   stopped by SIGTERM or SIGINT\n"
        "  64  usage error\n"
        "  71  the socket or the worker threads could not be set up (the reason is on\n"
        "      stderr and in the log)\n"
        "  77  run as root\n"
        "  78  configuration unreadable or invalid\n"
        "\n"
        "SECURITY\n"
        "  Refuses to run as root: run it as the bouncer's unprivileged user (the user=\n"
        "  of the pipe service). The socket is created with mode 0660, its directory (if\n"
        "  the daemon creates it) 0750. Reads the MySQL option file and the VERP key\n"
        "  file, both mode 0600. Requests are bounded in size and in time and checked\n"
        "  strictly; a bad one is answered \"TEMPFAIL 4.3.0 protocol error\" and closed.\n"
        "\n"
        "CONFIGURATION\n"
        "  bouncer.socket (default /run/verpmail/bouncerd.sock), bouncer.workers\n"
        "  (default 4: also the most database connections it opens), bouncer.readTimeout\n"
        "  (default 10 s for a client to send its whole request), bouncer.maxMessageBytes,\n"
        "  and the mysql.*, verp.*, policy.incident.* and logging.* keys the bouncer\n"
        "  reads. Postfix's concurrency for the pipe service (maxproc) may exceed\n"
        "  bouncer.workers: clients wait in the socket's backlog.\n";
}

int BouncerDaemon::runDaemon(int argc, char** argv)
{
    try {
        init(argc, argv);
    } catch (const Poco::Exception& e) {
        std::cerr << "verpmail-bouncerd: " << e.displayText() << " (see --help)\n";
        return toInt(ExitStatus::Usage);
    }
    if (helpRequested()) {
        printHelp();
        return toInt(ExitStatus::Ok);
    }
    return run();
}

int BouncerDaemon::main(const std::vector<std::string>& args)
{
    Poco::Logger& logger = log();
    if (!args.empty())
        return startFailure(logger, ExitStatus::Usage, "takes no arguments (see --help)");
    if (::geteuid() == 0)
        return startFailure(logger, ExitStatus::NoPerm, "refuses to run as root; run it as the bouncer's user");

    WorkerSetup setup;
    DaemonSettings daemon;
    try {
        loadSettings();
        daemon = daemonSettingsFrom(config());
        setup.verp = verpSettingsFrom(config());
        setup.mysql = mysqlOptionsFrom(config());
        // Each worker runs the same dozen statements per return on its one connection.
        setup.mysql.statementCache = 64;
        setup.incident = policySettingsFrom(config()).incident;
        setup.maxMessageBytes = bouncerSettingsFrom(config()).maxMessageBytes;
        setup.readTimeout = std::chrono::seconds(daemon.readTimeoutSeconds);
        VerpCodec check(setup.verp);
    } catch (const std::exception& e) {
        return startFailure(logger, ExitStatus::Config, std::string("configuration error: ") + e.what());
    }

    // Signals: SIGTERM/SIGINT are taken by sigwait() below, so they are blocked here,
    // before any thread exists, and every worker inherits the mask. A client that
    // leaves early must not kill the daemon with SIGPIPE (sends also use MSG_NOSIGNAL).
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    ::pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    // Once, before the threads: libmariadb's global state is not set up thread-safely
    // by the first mysql_init() of several threads at once.
    mysql_library_init(0, nullptr, nullptr);

    // A database that is down now is no reason not to start (returns are deferred
    // until it is back), but an option file that cannot work is.
    try {
        MysqlConnection probe(setup.mysql);
    } catch (const ConfigError& e) {
        return startFailure(logger, ExitStatus::Config, std::string("configuration error: ") + e.what());
    } catch (const MysqlError& e) {
        logger.warning("status=degraded reason=\"database unavailable at start-up, returns are deferred until it "
                       "is back: %s\"",
                       printable(e.what(), 300));
    }

    try {
        ListenSocket socket(daemon.socketPath);
        StopPipe stop;
        setup.listenFd = socket.fd();
        setup.stopFd = stop.readEnd();

        std::list<Worker> workers;  // a list: a Worker never moves once its thread has its address
        std::vector<std::thread> threads;
        // Whatever happens after the first thread starts, they are stopped and joined
        // before the workers and the socket they use go away.
        struct Joiner
        {
            StopPipe& stop;
            std::vector<std::thread>& threads;
            ~Joiner()
            {
                stop.stop();
                for (std::thread& t : threads)
                    t.join();
            }
        } joiner{stop, threads};
        for (unsigned i = 1; i <= daemon.workers; ++i) {
            workers.emplace_back(i, setup, logger);
            threads.emplace_back(&Worker::run, &workers.back());
        }
        logger.information("status=started socket=%s workers=%u maxMessageBytes=%z readTimeout=%u config=%s",
                           daemon.socketPath, daemon.workers, setup.maxMessageBytes, daemon.readTimeoutSeconds,
                           configPath());

        int signal = 0;
        while (::sigwait(&stopSignals, &signal) != 0) {
        }
        logger.information("status=stopping signal=%s reason=\"answering the requests in hand\"",
                           std::string(signal == SIGTERM ? "TERM" : "INT"));
    } catch (const SocketError& e) {
        return startFailure(logger, ExitStatus::OsErr, e.what());
    } catch (const std::system_error& e) {
        return startFailure(logger, ExitStatus::OsErr, std::string("cannot start the workers: ") + e.what());
    }
    logger.information("status=stopped");
    return toInt(ExitStatus::Ok);
}

} // namespace verpmail
