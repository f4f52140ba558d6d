#include "SmtpBatch.h"

#include "TcpNoDelay.h"
#include "TlsClientContext.h"

#include "verpmail/util/Printable.h"

#include <algorithm>
#include <cstdarg>

#include <climits>
#include <cstdlib>
#include <strings.h>
#include <string_view>

namespace verpmail {
namespace {

// libESMTP pulls the message through this callback. len == nullptr asks for a
// rewind. *ctx is per-message state that libESMTP releases with free() when the
// message is done, so it must come from malloc; it records whether the single
// chunk was handed out. It must not throw: it is called from C.
extern "C" const char* readWholeMessage(void** ctx, int* len, void* arg) noexcept
{
    const auto* bytes = static_cast<const std::string*>(arg);
    if (*ctx == nullptr) {
        *ctx = std::malloc(sizeof(int));
        if (*ctx == nullptr)
            return nullptr;
        *static_cast<int*>(*ctx) = 0;
    }
    int& handedOut = *static_cast<int*>(*ctx);
    if (len == nullptr) {
        handedOut = 0;
        return nullptr;
    }
    if (!handedOut) {
        handedOut = 1;
        *len = static_cast<int>(bytes->size());
        return bytes->data();
    }
    *len = 0;
    return nullptr;
}

// libESMTP asks for the AUTH fields through this callback (C, must not throw).
extern "C" int supplyCredentials(auth_client_request_t request, char** result, int fields, void* arg) noexcept
{
    const auto* creds = static_cast<const std::pair<std::string, std::string>*>(arg);
    for (int i = 0; i < fields; ++i) {
        if (request[i].flags & AUTH_USER)
            result[i] = const_cast<char*>(creds->first.c_str());
        else if (request[i].flags & AUTH_PASS)
            result[i] = const_cast<char*>(creds->second.c_str());
        else
            return 0;
    }
    return 1;
}

// libESMTP reports the new connection and certificate problems as events, and lets
// the application decide on the latter through an int* in the variable arguments.
// Refuse unless verification is off.
extern "C" void onSessionEvent(smtp_session_t, int event, void* arg, ...) noexcept
{
    auto* state = static_cast<SmtpBatch::Events*>(arg);
    va_list args;
    va_start(args, arg);
    int* ok = nullptr;
    switch (event) {
    case SMTP_EV_CONNECT:
        disableNagleOnTcpSockets();
        break;
    case SMTP_EV_MAILSTATUS: {
        // A refused MAIL ends the message; an accepted one goes on to RCPT.
        (void)va_arg(args, const char*);
        auto* message = va_arg(args, smtp_message_t);
        const smtp_status_t* status = smtp_reverse_path_status(message);
        if (message == state->last && status && status->code / 100 != 2 && state->drained)
            state->drained();
        break;
    }
    case SMTP_EV_MESSAGESENT:
        if (va_arg(args, smtp_message_t) == state->last && state->drained)
            state->drained();
        break;
    case SMTP_EV_INVALID_PEER_CERTIFICATE:
        (void)va_arg(args, long);  // the verification result
        ok = va_arg(args, int*);
        state->problem = "the server's certificate does not verify";
        break;
    case SMTP_EV_NO_PEER_CERTIFICATE:
        ok = va_arg(args, int*);
        state->problem = "the server sent no certificate";
        break;
    case SMTP_EV_WRONG_PEER_CERTIFICATE:
        ok = va_arg(args, int*);
        state->problem = "the server's certificate is for another host";
        break;
    case SMTP_EV_NO_CLIENT_CERTIFICATE:
        ok = va_arg(args, int*);
        *ok = 1;  // we never present one
        ok = nullptr;
        break;
    default:
        break;
    }
    if (ok)
        *ok = state->verify ? 0 : 1;
    va_end(args);
}

bool startsWithNoCase(std::string_view line, std::string_view prefix)
{
    return line.size() >= prefix.size() && ::strncasecmp(line.data(), prefix.data(), prefix.size()) == 0;
}

// libESMTP's protocol monitor: every command and reply in clear text (TLS is below it),
// commands as flushed (one or more lines), replies as read (any part of a line). It
// follows EHLO's keywords and AUTH until the first MAIL command and ignores the rest.
// C, must not throw.
extern "C" void watchSession(const char* buf, int len, int direction, void* arg) noexcept
{
    auto* watch = static_cast<SmtpBatch::SessionWatch*>(arg);
    if (watch->done || len <= 0)
        return;
    try {
        const std::string_view data(buf, static_cast<std::size_t>(len));
        if (direction == SMTP_CB_WRITING) {
            for (std::size_t start = 0; start < data.size();) {
                const std::size_t end = std::min(data.find('\n', start), data.size());
                const std::string_view line = data.substr(start, end - start);
                start = end + 1;
                if (startsWithNoCase(line, "AUTH ")) {
                    watch->waiting = true;
                } else if (startsWithNoCase(line, "MAIL FROM:")) {
                    watch->mailUnauthenticated = !watch->authenticated;
                    watch->done = true;
                    return;
                }
            }
            return;
        }
        if (direction != SMTP_CB_READING)
            return;
        watch->partial.append(data);
        for (std::size_t eol; (eol = watch->partial.find('\n')) != std::string::npos;) {
            std::string line = watch->partial.substr(0, eol);
            watch->partial.erase(0, eol + 1);
            while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
                line.pop_back();
            if (line.size() == 12 && startsWithNoCase(line, "250") && startsWithNoCase(line.substr(4), "CHUNKING"))
                watch->chunkingOffered = true;
            // Only the last line of a reply to AUTH ("235 ...", or "535-..." lines up to "535 ...").
            if (!watch->waiting || line.size() < 3 || (line.size() > 3 && line[3] != ' '))
                continue;
            if (line[0] == '2') {
                watch->authenticated = true;
                watch->waiting = false;
            } else if (line[0] == '4' || line[0] == '5') {
                watch->refusal = printable(line, 200);
                watch->waiting = false;
            }  // 3xx: a challenge; the client answers and waits again
        }
        if (watch->partial.size() > 4096)
            watch->partial.clear();
    } catch (...) {
        // Out of memory: the watch stays as it was; run() then reports what it knows.
    }
}

SubmitResult resultFrom(const smtp_status_t* status)
{
    SubmitResult r;
    if (!status || status->code == 0)
        return r;
    r.code = status->code;
    // libESMTP keeps the text after the codes with its line end; drop that before
    // masking, or it would end up as "??" in logs and the bounce record.
    std::string text = status->text ? status->text : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    r.text = printable(text, 200);
    if (status->enh_class > 0)
        r.enhanced = std::to_string(status->enh_class) + "." + std::to_string(status->enh_subject) + "." +
                     std::to_string(status->enh_detail);
    const int klass = status->code / 100;
    r.outcome = klass == 2 ? SubmitOutcome::Accepted : klass == 5 ? SubmitOutcome::Rejected : SubmitOutcome::Deferred;
    return r;
}

} // namespace

SmtpBatch::SmtpBatch(const SmtpSettings& settings, std::string envelopeId, const TlsClientContext* tls)
    : _session(smtp_create_session()), _envelopeId(std::move(envelopeId))
{
    if (!_session)
        throw SmtpUnavailable("libESMTP cannot create a session");
    smtp_session_t s = _session.get();
    _server = settings.server;
    if (!smtp_set_server(s, settings.server.c_str()))
        throw SmtpUnavailable("bad smtp.server " + settings.server);
    if (!settings.helo.empty())
        smtp_set_hostname(s, settings.helo.c_str());
    const long ms = static_cast<long>(settings.timeoutSeconds) * 1000L;
    // libESMTP raises anything below RFC 5321's minimums (up to 10 minutes) unless
    // told not to; smtp.timeout is the operator's choice and must hold.
    for (const int which : {Timeout_GREETING, Timeout_ENVELOPE, Timeout_DATA, Timeout_TRANSFER, Timeout_DATA2})
        smtp_set_timeout(s, which | Timeout_OVERRIDE_RFC2822_MINIMUM, ms);

    if (settings.starttls != StarttlsMode::No) {
        if (!tls)
            throw SmtpUnavailable("smtp.starttls is set but no TLS context was made");
        if (!smtp_starttls_enable(s, settings.starttls == StarttlsMode::Required ? Starttls_REQUIRED : Starttls_ENABLED) ||
            !smtp_starttls_set_ctx(s, tls->native()))
            throw SmtpUnavailable("libESMTP was built without STARTTLS support (smtp.starttls)");
        _events.verify = tls->verify();
    }
    smtp_set_eventcb(s, onSessionEvent, &_events);
    if (!settings.authUser.empty()) {
        static const bool initialized = [] {
            auth_client_init();
            return true;
        }();
        (void)initialized;
        _authPair = {settings.authUser, settings.authPassword};
        _auth.reset(auth_create_context());
        if (!_auth)
            throw SmtpUnavailable("libESMTP cannot create an AUTH context");
        // PLAIN and LOGIN are what submission servers offer (after STARTTLS).
        auth_set_mechanism_flags(_auth.get(), AUTH_PLUGIN_PLAIN, 0);
        auth_set_interact_cb(_auth.get(), supplyCredentials, &_authPair);
        smtp_auth_set_context(s, _auth.get());
    }
    smtp_set_monitorcb(s, watchSession, &_watch, 0);
    _starttls = settings.starttls != StarttlsMode::No;
}

void SmtpBatch::add(const std::string& envelopeSender, const std::string& recipient, std::string wireMessage)
{
    auto m = std::make_unique<Message>();
    m->bytes = std::move(wireMessage);
    m->message = smtp_add_message(_session.get());
    if (!m->message)
        throw std::runtime_error("libESMTP cannot add a message");
    smtp_set_reverse_path(m->message, envelopeSender.c_str());
    smtp_set_messagecb(m->message, readWholeMessage, &m->bytes);
    // RET=HDRS: returns carry our headers (campaign, envelope) but not the body.
    smtp_dsn_set_ret(m->message, Ret_HDRS);
    if (!_envelopeId.empty())
        smtp_dsn_set_envid(m->message, _envelopeId.c_str());
    m->recipient = smtp_add_recipient(m->message, recipient.c_str());
    if (!m->recipient)
        throw std::runtime_error("libESMTP cannot add recipient");
    smtp_dsn_set_notify(m->recipient, Notify_FAILURE);
    _events.last = m->message;
    _messages.push_back(std::move(m));
}

SubmitResult SmtpBatch::resultOf(std::size_t i) const
{
    const Message& m = *_messages.at(i);
    // The message may be refused as a whole (MAIL FROM or DATA); otherwise the
    // recipient's own status decides.
    SubmitResult r = resultFrom(smtp_recipient_status(m.recipient));
    const SubmitResult whole = resultFrom(smtp_message_transfer_status(m.message));
    if (r.outcome == SubmitOutcome::Accepted && whole.outcome == SubmitOutcome::NotAttempted) {
        // RCPT was accepted, then the session ended without a reply to DATA: the
        // server may have the message. Never resend it; report it.
        r.outcome = SubmitOutcome::Uncertain;
        r.text = "no reply to DATA";
    } else if ((r.outcome == SubmitOutcome::Accepted || r.outcome == SubmitOutcome::NotAttempted) &&
               whole.outcome != SubmitOutcome::Accepted && whole.outcome != SubmitOutcome::NotAttempted) {
        // RCPT was fine (or never sent) but MAIL or DATA was refused: a 5xx there is
        // about our message or our sender (a milter, header_checks, a size limit),
        // never evidence about the member.
        r = whole;
        if (r.outcome == SubmitOutcome::Rejected)
            r.outcome = SubmitOutcome::Refused;
    }
    return r;
}

void SmtpBatch::forget(std::size_t from, std::size_t to)
{
    for (std::size_t i = from; i < std::min(to, _messages.size()); ++i)
        std::string().swap(_messages[i]->bytes);
}

void SmtpBatch::run()
{
    const int ok = smtp_start_session(_session.get());
    _results.clear();
    bool anyReply = false;
    for (std::size_t i = 0; i < _messages.size(); ++i) {
        SubmitResult r = resultOf(i);
        anyReply = anyReply || r.outcome != SubmitOutcome::NotAttempted;
        _results.push_back(std::move(r));
    }
    failIfUnauthenticated();
    if (!anyReply && !_events.problem.empty())
        throw SmtpUnavailable("STARTTLS with " + _server + " failed: " + _events.problem +
                              " (smtp.tlsCaFile, smtp.tlsVerify)");
    if (!ok && !anyReply) {
        char buffer[256];
        const char* why = smtp_strerror(smtp_errno(), buffer, sizeof buffer);
        throw SmtpUnavailable(std::string("SMTP session failed: ") +
                              (!_events.problem.empty() ? "STARTTLS: " + _events.problem : why ? why : "unknown error"));
    }
}

// With smtp.authFile set, a session that went on without AUTH (refused, or not offered)
// submitted to an unauthenticated client: the server's refusals are about that, not
// about the members, so they are put back as not attempted, never settled as rejected
// (which would record a bounce for every member and drop them from the campaign).
// Messages the server took anyway keep their results; when there are none, the run
// stops here with the reason.
void SmtpBatch::failIfUnauthenticated()
{
    if (!_auth || _watch.authenticated || (!_watch.mailUnauthenticated && _watch.refusal.empty()))
        return;
    bool anyTaken = false;
    for (SubmitResult& r : _results) {
        if (r.outcome == SubmitOutcome::Accepted || r.outcome == SubmitOutcome::Uncertain)
            anyTaken = true;
        else
            r = SubmitResult{};
    }
    if (anyTaken)
        return;
    const std::string& refusal = _watch.refusal;
    if (!refusal.empty()) {
        const bool permanent = refusal[0] == '5';
        throw SmtpAuthFailed("SMTP AUTH as " + printable(_authPair.first, 100) + " at " + _server + " failed: " + refusal +
                                 (permanent ? " (check the username and password in smtp.authFile)"
                                            : " (a temporary failure: run again later)"),
                             permanent);
    }
    throw SmtpAuthFailed(_server + " does not offer SMTP AUTH (or no mechanism libESMTP supports), but smtp.authFile is set" +
                             (_starttls ? std::string() : "; most servers offer AUTH only after STARTTLS (smtp.starttls)"),
                         true);
}

} // namespace verpmail
