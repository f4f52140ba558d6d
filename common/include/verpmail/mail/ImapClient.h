// ImapClient: one mailbox on an IMAP server, through libcurl's IMAP.
//
//   ImapClient imap(ImapSettings{"imaps://mail.example.org/INBOX", "bounces", password, "", true});
//   for (std::uint32_t uid : imap.search("UNDELETED UNKEYWORD $VerpmailRecorded")) {
//       std::optional<ImapMessage> m = imap.fetch(uid, 10 << 20);   // never sets \Seen
//       imap.addFlags(uid, "$VerpmailRecorded");
//   }
//
// TLS is required unless the settings say otherwise: imaps:// is TLS from the start,
// imap:// must upgrade with STARTTLS (CURLUSESSL_ALL); the server's certificate is
// always verified. A message is fetched with curl's own UID FETCH, which counts the
// literal's bytes (curl's custom-command path reads a literal line by line and ends it
// at any line that looks like the command's tag, which a message could carry). curl
// fetches BODY[], so the mailbox is EXAMINEd (read-only) first and \Seen is not set;
// it is SELECTed again before flags are stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

/// The server cannot be reached, refuses us, or answers a command with NO/BAD. The
/// mailbox is as it was before the failing command.
class ImapError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

struct ImapSettings
{
    std::string url;         ///< imaps://HOST[:PORT]/MAILBOX or imap://...; no user, query or ;params
    std::string user;
    std::string password;
    std::string caFile;      ///< CA certificates to verify the server with; "": the system's
    bool requireTls = true;  ///< false only for a plain imap:// URL to a loopback address
    long connectTimeoutSeconds = 30;
    long stallSeconds = 60;  ///< a transfer that moves no byte for this long fails
};

/// The parts of a checked URL: ok() false with `problem` saying why it cannot be used.
struct ImapUrl
{
    std::string scheme;       ///< "imap" or "imaps"
    std::string host;
    std::string base;         ///< "imaps://host:port/" (no mailbox)
    std::string mailboxPath;  ///< the path as written (percent-encoded), "INBOX"
    std::string mailbox;      ///< decoded: the name IMAP commands use
    std::string problem;
    bool ok() const { return problem.empty(); }
};

/// Checks an IMAP URL and the TLS choice: only imap/imaps, no credentials in it, a
/// mailbox named (ASCII, no ';' parameters, no query); plain only with requireTls
/// false, imap://, and a loopback host.
ImapUrl parseImapUrl(const std::string& url, bool requireTls);

/// `name` as an IMAP quoted string ("INBOX" -> "\"INBOX\""); nullopt for a name that
/// cannot be one (empty, non-ASCII, control characters).
std::optional<std::string> imapQuoted(std::string_view name);

/// Whether `keyword` can be stored as a flag keyword and searched for: an atom of
/// letters, digits and $_-.:+ (no backslash: system flags are not keywords).
bool isImapKeyword(std::string_view keyword);

/// The UIDs in the "* SEARCH ..." lines of a response (other lines are ignored).
std::vector<std::uint32_t> parseSearchResponse(std::string_view response);

/// The capabilities in the "* CAPABILITY ..." lines of a response, upper-cased.
std::vector<std::string> parseCapabilities(std::string_view response);

struct ImapMessage
{
    std::string data;            ///< at most the fetch's maxBytes
    std::size_t totalBytes = 0;  ///< the message's full size
};

/// What the intake needs from a mailbox; ImapClient is the real one, tests use fakes.
class ImapSession
{
public:
    virtual ~ImapSession() = default;
    /// UID SEARCH with these criteria (IMAP syntax, built by the caller).
    virtual std::vector<std::uint32_t> search(const std::string& criteria) = 0;
    /// The message, without setting \Seen; nullopt when it is gone (expunged since
    /// the search). @throws ImapError
    virtual std::optional<ImapMessage> fetch(std::uint32_t uid, std::size_t maxBytes) = 0;
    /// UID STORE +FLAGS, e.g. "$VerpmailRecorded \\Seen".
    virtual void addFlags(std::uint32_t uid, const std::string& flags) = 0;
    /// UID MOVE to `mailbox`; without MOVE: COPY, \Deleted, and UID EXPUNGE when the
    /// server has UIDPLUS (else the message stays marked \Deleted).
    virtual void move(std::uint32_t uid, const std::string& mailbox) = 0;
};

class ImapClient final : public ImapSession
{
public:
    /// Checks the settings; connects at the first command.
    /// @throws ImapError when the URL cannot be used (parseImapUrl's problem)
    explicit ImapClient(ImapSettings settings);
    ~ImapClient() override;

    ImapClient(const ImapClient&) = delete;
    ImapClient& operator=(const ImapClient&) = delete;

    std::vector<std::uint32_t> search(const std::string& criteria) override;
    std::optional<ImapMessage> fetch(std::uint32_t uid, std::size_t maxBytes) override;
    void addFlags(std::uint32_t uid, const std::string& flags) override;
    void move(std::uint32_t uid, const std::string& mailbox) override;

    /// Whether the server announced MOVE (RFC 6851).
    bool supportsMove();

private:
    struct Handle;
    /// Runs `request` as a custom command on the connection; the untagged responses.
    std::string command(const std::string& request);
    /// One transfer on `url` (a custom request, or curl's own fetch when null) into
    /// `out`, at most `limit` bytes kept; returns the bytes the server sent, nullopt
    /// when a fetch finds no such message. Beyond `limit` a command fails, a fetch
    /// keeps counting.
    std::optional<std::size_t> transfer(const std::string& url, const char* request, std::string& out,
                                        std::size_t limit, bool failBeyondLimit);
    /// The mailbox is selected read-write (readOnly false) or examined.
    void open(bool readOnly);
    std::string mailboxUrl() const;
    const std::vector<std::string>& capabilities();
    bool has(std::string_view capability);

    ImapSettings _settings;
    ImapUrl _url;
    std::string _quotedMailbox;
    std::unique_ptr<Handle> _handle;
    bool _connected = false;
    bool _readOnly = false;
    std::optional<std::vector<std::string>> _capabilities;
};

} // namespace verpmail
