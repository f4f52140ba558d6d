#include "ReturnContract.h"

#include "verpmail/util/ExitStatus.h"
#include "verpmail/util/Printable.h"

namespace verpmail {
namespace {

// Postfix logs the pipe status line and the LMTP reply text; both are bounded so a
// hostile diagnostic cannot flood the mail log.
constexpr std::size_t kDetailLimit = 300;

/// How one outcome answers: enhanced status, pipe exit status, LMTP reply code, text.
struct Answer
{
    const char* status;   ///< RFC 3463 enhanced status code
    ExitStatus exit;      ///< pipe(8)
    int lmtpCode;         ///< after DATA
    const char* text;     ///< what happened, before the detail
    const char* name;     ///< for logs
};

Answer answerFor(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Recorded: return {"2.0.0", ExitStatus::Ok, 250, "recorded", "recorded"};
    case Outcome::Duplicate: return {"2.0.0", ExitStatus::Ok, 250, "duplicate, recorded before", "duplicate"};
    case Outcome::Unattributed: return {"2.0.0", ExitStatus::Ok, 250, "stored unattributed", "unattributed"};
    case Outcome::Degraded: return {"2.0.0", ExitStatus::Ok, 250, "recorded with refused text emptied", "degraded"};
    case Outcome::Unsubscribed: return {"2.0.0", ExitStatus::Ok, 250, "unsubscribed", "unsubscribed"};
    // A forged or stale token: dropped. A refusal would send a bounce to whoever the
    // envelope sender claims to be.
    case Outcome::UnsubscribeRefused:
        return {"2.0.0", ExitStatus::Ok, 250, "unsubscribe request dropped", "unsubscribe-refused"};
    // After DATA a recipient was already accepted at RCPT; a return for it that is
    // not ours after all (a race with a purge) is stored like any other in pipe mode.
    case Outcome::NotOurs: return {"5.1.1", ExitStatus::DataErr, 550, "recipient is not a verpmail address", "refused"};
    case Outcome::Unrecordable:
        return {"5.6.0", ExitStatus::DataErr, 554, "verpmail-bouncer cannot record this return", "refused"};
    case Outcome::DatabaseUnavailable:
        return {"4.3.0", ExitStatus::TempFail, 451, "verpmail-bouncer database unavailable", "deferred"};
    case Outcome::ConfigurationError:
        return {"4.3.5", ExitStatus::TempFail, 451, "verpmail-bouncer configuration error", "deferred"};
    case Outcome::UsageError: return {"4.3.5", ExitStatus::TempFail, 451, "verpmail-bouncer usage error", "deferred"};
    case Outcome::TimeLimit:
        return {"4.3.0", ExitStatus::TempFail, 451, "verpmail-bouncer time limit reached", "deferred"};
    case Outcome::RunAsRoot:
        return {"4.3.0", ExitStatus::TempFail, 451, "verpmail-bouncer refuses to run as root", "deferred"};
    case Outcome::InternalError: break;
    }
    return {"4.3.0", ExitStatus::TempFail, 451, "verpmail-bouncer internal error", "deferred"};
}

std::string describe(const Answer& answer, std::string_view detail)
{
    std::string text = std::string(answer.status) + " " + answer.text;
    if (!detail.empty())
        text += ": " + printable(detail, kDetailLimit);
    return text;
}

} // namespace

bool isStored(Outcome outcome)
{
    return answerFor(outcome).exit == ExitStatus::Ok;
}

bool isRetryable(Outcome outcome)
{
    return answerFor(outcome).exit == ExitStatus::TempFail;
}

PipeAnswer pipeAnswer(Outcome outcome, std::string_view detail)
{
    const Answer answer = answerFor(outcome);
    PipeAnswer pipe;
    pipe.exitStatus = toInt(answer.exit);
    if (answer.exit != ExitStatus::Ok)
        pipe.line = describe(answer, detail);
    return pipe;
}

std::string lmtpDataReply(Outcome outcome, std::string_view detail)
{
    const Answer answer = answerFor(outcome);
    return std::to_string(answer.lmtpCode) + " " + describe(answer, detail);
}

std::string lmtpRcptReply(RecipientStatus status, std::string_view detail)
{
    switch (status) {
    case RecipientStatus::Ours: return "250 2.1.5 Ok";
    case RecipientStatus::NotOurs:
        return "550 5.1.1 " + std::string(detail.empty() ? "recipient unknown" : printable(detail, kDetailLimit));
    case RecipientStatus::CannotTell: break;
    }
    return "451 4.3.0 verpmail-bouncer cannot check the recipient now" +
           (detail.empty() ? std::string() : ": " + printable(detail, kDetailLimit));
}

std::string policyAction(RecipientStatus status)
{
    // smtpd(8) puts "<address>: Recipient address rejected:" before the text; an
    // explicit 550 instead of REJECT keeps access_map_reject_code's 554 out of it.
    if (status == RecipientStatus::NotOurs)
        return "550 5.1.1 recipient unknown";
    return "DUNNO";
}

std::string_view outcomeName(Outcome outcome)
{
    return answerFor(outcome).name;
}

} // namespace verpmail
