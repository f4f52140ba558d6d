#include "WebService.h"

#include "MysqlMembershipDirectory.h"
#include "ServerTls.h"
#include "TokenBuckets.h"
#include "WebHandlers.h"
#include "WebServer.h"
#include "WebSettings.h"

#include "verpmail/config/ProgramBase.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/mail/UnsubscribeToken.h"
#include "verpmail/util/SecretFile.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

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
    Poco::Net::Context::Ptr tls;
    if (settings.tls()) {
        ssl.emplace();
        tls = serverTlsContext(settings.tlsCertificateFile, settings.tlsKeyFile);
    }
    MysqlMembershipDirectory directory(settings.mysql, tokens, settings.threads);
    directory.probe(log);
    TokenBuckets limits(settings.rateLimitPerMinute);
    WebHandlers handlers(directory, limits, log);
    WebServer server(settings, tls, handlers, log);
    server.start();
    log.notice("verpmail-web: listening on %s threads=%u queue=%u timeout=%us rateLimit=%u/min", server.url(),
               settings.threads, settings.queue, settings.timeoutSeconds, settings.rateLimitPerMinute);

    const std::string signal = stopRequest.wait();
    log.notice("verpmail-web: status=stopping signal=%s", signal);
    server.stop();
    log.notice("verpmail-web: status=stopped timedOut=%z", server.timedOut());
}

} // namespace verpmail::web
