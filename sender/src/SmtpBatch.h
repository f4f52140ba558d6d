// SmtpBatch: many messages, one recipient each, submitted in one SMTP session.
//
//   SmtpBatch batch(settings);
//   batch.add(envelopeSender, recipient, wireMessage, envid);
//   batch.run();                      // throws SmtpUnavailable if no session at all
//   for (auto& r : batch.results()) ...
//
// With smtp.authFile, a session that did not authenticate submits nothing that counts:
// libESMTP goes on to MAIL when the server refuses AUTH or offers none, and the
// server's refusals of that unauthenticated client say nothing about the members, so
// run() puts them back (NotAttempted) and throws SmtpAuthFailed.
//
// Owns the libESMTP session (RAII); the messages and recipients libESMTP hands
// back are borrowed handles that live as long as the session. The message bytes
// are owned here too, because libESMTP reads them through a callback during run().
#pragma once

#include "verpmail/config/Settings.h"

// OpenSSL first: libesmtp.h declares smtp_starttls_set_ctx only when it is included.
#include <openssl/ssl.h>

#include <auth-client.h>
#include <libesmtp.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace verpmail {

/// The SMTP server could not be reached or the session failed before any message.
class SmtpUnavailable : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// smtp.authFile is set and the session did not authenticate; nothing was submitted.
/// permanent(): the server refused the credentials (5xx) or offers no AUTH we can use,
/// which a rerun will not change; otherwise (4xx) try again later.
class SmtpAuthFailed : public SmtpUnavailable
{
public:
    SmtpAuthFailed(const std::string& what, bool permanent) : SmtpUnavailable(what), _permanent(permanent) {}
    bool permanent() const { return _permanent; }

private:
    bool _permanent;
};

enum class SubmitOutcome
{
    Accepted,     ///< 2xx after DATA: Postfix has it
    Rejected,     ///< 5xx at RCPT: the server refused the member's address
    Refused,      ///< 5xx at MAIL or DATA: the server refused the message, not the member
    Deferred,     ///< 4xx: try again later
    NotAttempted, ///< the session ended before this message: nothing was sent
    Uncertain,    ///< RCPT was accepted but no final reply to DATA: may have been delivered
};

struct SubmitResult
{
    SubmitOutcome outcome = SubmitOutcome::NotAttempted;
    int code = 0;
    std::string enhanced;  ///< RFC 2034 enhanced status "5.1.1", or "" when the server gave none
    std::string text;      ///< the server's reply text, bounded
};

class TlsClientContext;

class SmtpBatch
{
public:
    /// @param tls the run's TLS context, required when smtp.starttls is not "no".
    SmtpBatch(const SmtpSettings& settings, std::string envelopeId, const TlsClientContext* tls = nullptr);
    SmtpBatch(const SmtpBatch&) = delete;
    SmtpBatch& operator=(const SmtpBatch&) = delete;

    void add(const std::string& envelopeSender, const std::string& recipient, std::string wireMessage);
    std::size_t size() const { return _messages.size(); }

    /// Called, during run(), when the last message added so far has its final reply
    /// (after DATA, or a refused MAIL): it may add() more messages, which the same
    /// session then sends, or add none, and the session ends. Messages added before
    /// have their final results in resultOf(). It must not throw: it is called from
    /// libESMTP's C code.
    void onDrained(std::function<void()> drained) { _events.drained = std::move(drained); }

    /// Message i's result as its replies so far say. Final for every message up to
    /// the last one added when onDrained is called, and for all after run().
    SubmitResult resultOf(std::size_t i) const;

    /// Whether the session's MAIL commands went out authenticated, or needed not be
    /// (no smtp.authFile): only then do the server's replies speak about the members.
    bool repliesCount() const { return !_auth || _watch.authenticated; }

    /// Frees the bytes of messages [from, to), which have their final replies.
    void forget(std::size_t from, std::size_t to);

    /// Runs the session. @throws SmtpUnavailable when it fails and no message got a
    /// reply, SmtpAuthFailed when smtp.authFile is set, the session did not
    /// authenticate and the server took no message; otherwise per-message results are
    /// in results().
    void run();

    const std::vector<SubmitResult>& results() const { return _results; }

    /// What libESMTP's event callback needs: the decision on certificate problems,
    /// where to leave the reason for a refused one, and whom to tell when the last
    /// message added is done.
    struct Events
    {
        bool verify = true;
        std::string problem;
        smtp_message_t last = nullptr;  ///< the last message added
        std::function<void()> drained;
    };

    /// True when the server's EHLO reply offered CHUNKING: libESMTP then sends each
    /// message as BDAT blocks, and the server's reply to each waits for our delayed
    /// ACK (about 40 ms a message). A listener that does not offer it is faster.
    bool chunkingOffered() const { return _watch.chunkingOffered; }

    /// What libESMTP's protocol monitor shows of EHLO and AUTH (libESMTP itself tells
    /// the application nothing): watched up to the first MAIL command, then ignored.
    struct SessionWatch
    {
        bool chunkingOffered = false;     ///< EHLO's reply had a CHUNKING line
        bool waiting = false;             ///< AUTH (or an answer to a challenge) sent, no final reply yet
        bool authenticated = false;       ///< the server said 235
        bool mailUnauthenticated = false; ///< the first MAIL went out without AUTH
        bool done = false;                ///< the first MAIL went out
        std::string refusal;              ///< the server's last 4xx/5xx reply to AUTH, bounded
        std::string partial;              ///< a reply line not yet complete
    };

private:
    struct SessionDeleter
    {
        void operator()(std::remove_pointer_t<smtp_session_t>* session) const noexcept { smtp_destroy_session(session); }
    };
    struct Message
    {
        std::string bytes;
        smtp_message_t message = nullptr;      // borrowed from the session
        smtp_recipient_t recipient = nullptr;  // borrowed from the session
    };

    struct AuthDeleter
    {
        void operator()(std::remove_pointer_t<auth_context_t>* context) const noexcept { auth_destroy_context(context); }
    };
    // Declared before the session: the session refers to the auth context and must
    // be destroyed first (members are destroyed in reverse order).
    std::pair<std::string, std::string> _authPair;  // user, password
    std::unique_ptr<std::remove_pointer_t<auth_context_t>, AuthDeleter> _auth;
    std::unique_ptr<std::remove_pointer_t<smtp_session_t>, SessionDeleter> _session;
    std::vector<std::unique_ptr<Message>> _messages;  // stable addresses for the callback
    std::vector<SubmitResult> _results;
    std::string _envelopeId;
    Events _events;
    SessionWatch _watch;
    std::string _server;
    bool _starttls = false;

    void failIfUnauthenticated();
};

} // namespace verpmail
