#include "LmtpService.h"

#include "MessageProcessor.h"
#include "ReturnDesk.h"
#include "lmtp/Servers.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/ProgramBase.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/util/ExitStatus.h"
#include "verpmail/util/Printable.h"

#include <Poco/Net/DNS.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <signal.h>
#include <unistd.h>

#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <vector>

namespace verpmail {
namespace {

/// The ReturnDesk of the long-running server. Keeps one MessageProcessor (and with
/// it one warm database connection) per server thread that needed one, lent out for
/// the duration of a call and put back after, so concurrent calls never share a
/// connection and a quiet server keeps at most as many connections as it had
/// concurrent calls. Thread-safe; never throws.
class WarmDesk : public ReturnDesk
{
public:
    using ProcessorFactory = std::function<std::unique_ptr<MessageProcessor>()>;

    explicit WarmDesk(ProcessorFactory makeProcessor) : _makeProcessor(std::move(makeProcessor)) {}

    RecipientStatus checkRecipient(const std::string& recipient, std::string& detail) override
    {
        return lend(RecipientStatus::CannotTell, detail,
                    [&](MessageProcessor& processor) { return processor.checkRecipient(recipient, detail); });
    }

    Outcome take(const IncomingMessage& message, std::string& detail) override
    {
        return lend(Outcome::InternalError, detail,
                    [&](MessageProcessor& processor) { return processor.take(message, detail); });
    }

private:
    /// Lends an idle processor (or a new one) to `call` and keeps it for the next call;
    /// onFailure when no processor can be had (out of memory).
    template <typename Result, typename Call>
    Result lend(Result onFailure, std::string& detail, const Call& call)
    {
        try {
            std::unique_ptr<MessageProcessor> processor;
            {
                const std::lock_guard<std::mutex> lock(_mutex);
                if (!_idle.empty()) {
                    processor = std::move(_idle.back());
                    _idle.pop_back();
                }
            }
            if (!processor)
                processor = _makeProcessor();
            // The processor's calls never throw: it goes back to the idle list after each.
            const Result result = call(*processor);
            const std::lock_guard<std::mutex> lock(_mutex);
            _idle.push_back(std::move(processor));
            return result;
        } catch (const std::exception& e) {
            // Only the factory or the idle list can throw here (out of memory).
            detail = e.what();
            return onFailure;
        }
    }

    ProcessorFactory _makeProcessor;
    std::mutex _mutex;
    std::vector<std::unique_ptr<MessageProcessor>> _idle;
};

int startFailure(Poco::Logger& log, ExitStatus status, const std::string& text)
{
    std::cerr << "verpmail-bouncer: " << printable(text, 500) << "\n";
    log.critical("lmtp: status=failed exit=%d reason=\"%s\"", toInt(status), printable(text, 500));
    return toInt(status);
}

ListenerSettings listenerFrom(const Poco::Util::AbstractConfiguration& config, const keys::Key& listen,
                              const keys::Key& threads, const keys::Key& idleTimeout)
{
    ListenerSettings s;
    const std::string where = config.getString(listen.name, listen.defaultValue);
    const auto addresses = parseListenList(where);
    if (!addresses)
        throw ConfigError(std::string(listen.name) + " = '" + where +
                          "': expected unix:/PATH or inet:HOST:PORT, comma-separated");
    s.listen = *addresses;
    const std::string mode = config.getString(keys::kBouncerLmtpSocketMode.name, keys::kBouncerLmtpSocketMode.defaultValue);
    if (!Poco::NumberParser::tryParseOct(mode, s.socketMode) || s.socketMode > 0777)
        throw ConfigError(std::string(keys::kBouncerLmtpSocketMode.name) + " = '" + mode + "': expected an octal mode such as 0660");
    s.socketGroup = config.getString(keys::kBouncerLmtpSocketGroup.name, keys::kBouncerLmtpSocketGroup.defaultValue);
    s.threads = static_cast<unsigned>(configInteger(config, threads.name, 1, 1000));
    s.queued = s.threads;
    s.idleTimeoutSeconds = static_cast<unsigned>(configInteger(config, idleTimeout.name, 10, 3600));
    return s;
}

std::string joined(const std::vector<std::string>& addresses)
{
    return Poco::cat(std::string(","), addresses.begin(), addresses.end());
}

/// Blocks SIGTERM and SIGINT in every thread (the servers' threads inherit the mask)
/// so that only the main thread, in sigwait, receives them.
sigset_t blockStopSignals()
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    return stop;
}

} // namespace

int runLmtpService(ProgramBase& program, const std::vector<std::string>& args)
{
    Poco::Logger& log = program.log();
    if (!args.empty())
        return startFailure(log, ExitStatus::Usage, "--lmtp takes no other arguments (see --help)");
    if (::geteuid() == 0)
        return startFailure(log, ExitStatus::Usage, "refuses to run as root; start it as the verpmail user");

    const sigset_t stopSignals = blockStopSignals();
    try {
        program.loadSettings();
        const Poco::Util::AbstractConfiguration& config = program.config();
        const BouncerSettings bouncer = bouncerSettingsFrom(config);
        const VerpSettings verp = verpSettingsFrom(config);
        MysqlOptions mysql = bouncerMysqlOptionsFrom(config);
        // Every return runs the same dozen statements on a kept connection: keep them
        // prepared instead of preparing each again (a round trip and a parse apiece).
        mysql.statementCache = 64;
        const PolicySettings policySettings = policySettingsFrom(config);

        LmtpSettings lmtp;
        lmtp.server = listenerFrom(config, keys::kBouncerLmtpListen, keys::kBouncerLmtpThreads,
                                   keys::kBouncerLmtpIdleTimeout);
        lmtp.hostname = Poco::Net::DNS::hostName();
        lmtp.maxMessageBytes = bouncer.maxMessageBytes;
        if (lmtp.server.listen.empty())
            throw ConfigError(std::string(keys::kBouncerLmtpListen.name) + " is empty: --lmtp needs an address");
        // Every smtpd(8) process keeps its own policy connection open between requests
        // (smtpd_policy_service_max_idle, 300 s), and a connection holds a thread while
        // open: hence more threads than for LMTP, and a shorter idle time-out (Postfix
        // reconnects and retries the request when it finds the connection closed).
        PolicyServiceSettings policy;
        policy.server = listenerFrom(config, keys::kBouncerPolicyListen, keys::kBouncerPolicyThreads,
                                     keys::kBouncerPolicyIdleTimeout);
        policy.bounceDomains = {Poco::toLower(verp.domain)};

        RecipientCache recipients;
        WarmDesk desk([&] {
            return std::make_unique<MessageProcessor>(VerpCodec(verp), mysql, bouncer, policySettings, log, &recipients);
        });
        LmtpServer lmtpServer(lmtp, desk, log);
        std::unique_ptr<PolicyServer> policyServer;
        if (!policy.server.listen.empty())
            policyServer = std::make_unique<PolicyServer>(policy, desk, log);
        lmtpServer.start();
        if (policyServer)
            policyServer->start();
        const std::string policyWhere = policyServer ? joined(policyServer->addresses()) : "none";
        log.notice("lmtp: status=started listen=%s policy=%s threads=%u", joined(lmtpServer.addresses()), policyWhere,
                   lmtp.server.threads);
        // Returns need no unsubscribe key: the server runs, and only mail to the
        // unsubscribe address waits (451) until the key file can be read.
        if (!bouncer.unsubscribeKeyProblem.empty())
            log.warning("lmtp: unsubscribe=%s status=deferring reason=\"%s\"", bouncer.unsubscribeLocalPart,
                        printable(bouncer.unsubscribeKeyProblem, 300));

        int signal = 0;
        sigwait(&stopSignals, &signal);
        log.notice("lmtp: status=stopping signal=%d", signal);
        if (policyServer)
            policyServer->stop();
        lmtpServer.stop();
        log.notice("lmtp: status=stopped");
        return toInt(ExitStatus::Ok);
    } catch (const std::exception& e) {
        // Configuration (an unreadable file, a bad value, an unusable VERP key) or an
        // address that cannot be listened on (ListenError).
        return startFailure(log, ExitStatus::Config, e.what());
    }
}

} // namespace verpmail
