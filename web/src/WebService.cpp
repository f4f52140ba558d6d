#include "WebService.h"

#include "ConnectionPool.h"
#include "HttpsFetcher.h"
#include "MysqlApiData.h"
#include "MysqlMembershipDirectory.h"
#include "MysqlReturnLedger.h"
#include "ServerTls.h"
#include "SigningCertificates.h"
#include "SnsWebhook.h"
#include "TokenBuckets.h"
#include "WebHandlers.h"
#include "WebServer.h"
#include "WebSettings.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/ProgramBase.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/mail/UnsubscribeToken.h"
#include "verpmail/util/SecretFile.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>

namespace verpmail::web {
namespace {

/// Blocks SIGTERM and SIGINT in this thread and every thread started after it (they
/// inherit the mask), so that wait() in the main thread is the only taker. Restores
/// the mask when it goes.
class StopRequest
{
public:
    StopRequest()
    {
        sigemptyset(&_set);
        sigaddset(&_set, SIGTERM);
        sigaddset(&_set, SIGINT);
        ::pthread_sigmask(SIG_BLOCK, &_set, &_previous);
    }
    ~StopRequest()
    {
        // Take what is pending before unblocking, or it would kill us on the way out.
        const timespec none{0, 0};
        while (::sigtimedwait(&_set, nullptr, &none) > 0) {
        }
        ::pthread_sigmask(SIG_SETMASK, &_previous, nullptr);
    }
    StopRequest(const StopRequest&) = delete;
    StopRequest& operator=(const StopRequest&) = delete;

    /// Blocks until SIGTERM or SIGINT arrives; its name.
    std::string wait()
    {
        int signal = 0;
        while (::sigwait(&_set, &signal) != 0) {
        }
        return signal == SIGTERM ? "SIGTERM" : "SIGINT";
    }

private:
    sigset_t _set;
    sigset_t _previous;
};

UnsubscribeTokens unsubscribeTokens(const std::string& keyFile)
{
    try {
        return UnsubscribeTokens(readSecretKeyFile(keyFile, "unsubscribe key file"));
    } catch (const std::exception& e) {
        throw ConfigError(std::string("unsubscribe.keyFile: ") + e.what());
    }
}

// Time-out of each step of a certificate fetch or a subscription's confirmation: SNS
// waits 15 seconds for an answer, and a fetch happens while it waits.
constexpr std::chrono::seconds kFetchTimeout{5};

/// The SES/SNS webhook and what it needs; nothing while web.sns.topicArns is empty.
struct SnsParts
{
    SnsParts(const Poco::Util::AbstractConfiguration& config, const SnsSettings& sns, ConnectionPool& pool,
             Poco::Logger& log)
        : fetcher(sns.caFile, kFetchTimeout), certificates(fetcher),
          ledger(pool, policySettingsFrom(config),
                 static_cast<std::size_t>(
                     configInteger(config, keys::kBouncerMaxUnattributedBytes.name, 0, 1L << 30))),
          webhook(sns, certificates, fetcher, ledger, log)
    {
    }

    PocoHttpsFetcher fetcher;
    SigningCertificates certificates;
    MysqlReturnLedger ledger;
    SnsWebhook webhook;
};

void checkSnsTrustStore(const SnsSettings& sns)
{
    try {
        checkTrustStore(sns.caFile);
    } catch (const FetchFailed& e) {
        throw ConfigError(std::string(keys::kWebSnsCaFile.name) + " = \"" + sns.caFile +
                          "\": cannot be loaded as CA certificates: " + e.what());
    }
}

} // namespace

void runWebService(ProgramBase& program, const std::vector<std::string>& args)
{
    if (!args.empty())
        throw WebUsageError("verpmail-web takes no arguments, only options (see --help)");
    if (::geteuid() == 0)
        throw WebUsageError("refuses to run as root; start it as its own unprivileged user");
    StopRequest stopRequest;  // before any thread starts

    program.loadSettings();
    Poco::Logger& log = program.log();
    const WebSettings settings = webSettingsFrom(program.config());
    const UnsubscribeTokens tokens = unsubscribeTokens(settings.unsubscribeKeyFile);
    std::optional<SslLibrary> ssl;
    if (settings.tls() || settings.sns.enabled())
        ssl.emplace();
    Poco::Net::Context::Ptr tls;
    if (settings.tls())
        tls = serverTlsContext(settings.tlsCertificateFile, settings.tlsKeyFile);
    if (settings.sns.enabled())
        checkSnsTrustStore(settings.sns);
    ConnectionPool pool(settings.mysql, settings.threads);
    pool.probe(log);
    MysqlMembershipDirectory directory(pool, tokens);
    std::unique_ptr<SnsParts> sns;
    if (settings.sns.enabled())
        sns = std::make_unique<SnsParts>(program.config(), settings.sns, pool, log);
    TokenBuckets limits(settings.rateLimitPerMinute);
    MysqlApiData apiData(pool, policySettingsFrom(program.config()));
    TokenBuckets apiLimits(settings.apiRateLimitPerMinute);
    ApiHandlers api(apiData, effectiveConfig(program.config()), apiLimits, log);
    WebHandlers handlers(directory, limits, log, sns ? &sns->webhook : nullptr, &api);
    WebServer server(settings, tls, handlers, log);
    server.start();
    log.notice("verpmail-web: listening on %s threads=%u queue=%u timeout=%us rateLimit=%u/min apiRateLimit=%u/min "
               "snsTopics=%z",
               server.url(), settings.threads, settings.queue, settings.timeoutSeconds, settings.rateLimitPerMinute,
               settings.apiRateLimitPerMinute, settings.sns.topicArns.size());

    const std::string signal = stopRequest.wait();
    log.notice("verpmail-web: status=stopping signal=%s", signal);
    server.stop();
    log.notice("verpmail-web: status=stopped timedOut=%z", server.timedOut());
}

} // namespace verpmail::web
