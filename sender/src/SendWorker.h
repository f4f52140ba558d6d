// SendWorker: one sending thread. Claims a batch from the campaign queue, asks the
// policy, stamps the messages, submits them in one SMTP session, settles the
// batch, and starts over until nothing is left to claim. Each worker has its own
// database connection and its own SMTP sessions; they share only SendShared.
#pragma once

#include "CampaignQueue.h"
#include "MessageTemplate.h"
#include "RateLimiter.h"
#include "SendSummary.h"
#include "TlsClientContext.h"

#include "verpmail/config/Settings.h"
#include "verpmail/store/ListStore.h"
#include "verpmail/verp/VerpCodec.h"

#include <Poco/Logger.h>

#include <atomic>
#include <exception>
#include <mutex>

namespace verpmail {

/// Read-only inputs of a run, shared by all workers.
struct SendContext
{
    const ListInfo& list;
    const MessageTemplate& message;
    const VerpCodec& codec;
    const PolicySettings& policy;
    const SmtpSettings& smtp;
    const SendSettings& send;
    const MysqlOptions& mysql;
    std::string listIdDomain;
    std::string date;
    const TlsClientContext* tls = nullptr;  ///< set when smtp.starttls is not "no"
};

/// What the workers share: the counters, the first fatal error, the stop flag.
struct SendShared
{
    std::mutex mutex;
    SendSummary summary;           // guarded by mutex
    std::exception_ptr error;      // guarded by mutex: the first failure, rethrown by the run
    std::atomic<bool> stop{false};
    std::atomic<unsigned> batches{0};
    std::atomic<unsigned> finished{0};  ///< workers whose run() has returned
    RateLimiter* rate = nullptr;

    void fail(std::exception_ptr e);
};

class SendWorker
{
public:
    SendWorker(const SendContext& context, CampaignQueue& queue, SendShared& shared, Poco::Logger& log)
        : _context(context), _queue(queue), _shared(shared), _log(log)
    {
    }

    /// The thread body: never throws; a failure is stored in SendShared and stops
    /// every worker.
    void run() noexcept;

private:
    void loop();

    const SendContext& _context;
    CampaignQueue& _queue;
    SendShared& _shared;
    Poco::Logger& _log;
};

} // namespace verpmail
