#include "verpmail/mail/ImapClient.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

namespace verpmail {
namespace {

// Responses to commands (a SEARCH of a large mailbox) are held in memory: bounded.
constexpr std::size_t kMaxResponseBytes = 16 * 1024 * 1024;

struct UrlFree
{
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

/// One part of a parsed URL ("" when it has none).
std::string urlPart(CURLU* url, CURLUPart part, unsigned flags = 0)
{
    char* value = nullptr;
    if (curl_url_get(url, part, &value, flags) != CURLUE_OK || !value)
        return {};
    std::string text(value);
    curl_free(value);
    return text;
}

bool isLoopback(const std::string& host)
{
    return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

void initCurlOnce()
{
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (result != CURLE_OK)
        throw ImapError(std::string("libcurl cannot be initialised: ") + curl_easy_strerror(result));
}

/// Where a transfer's bytes go: kept up to a limit, counted all the same.
struct Sink
{
    std::string* out = nullptr;
    std::size_t limit = 0;
    std::size_t total = 0;
    bool failBeyondLimit = true;
};

std::size_t writeToSink(char* data, std::size_t size, std::size_t count, void* user)
{
    Sink& sink = *static_cast<Sink*>(user);
    const std::size_t length = size * count;
    sink.total += length;
    const std::size_t room = sink.limit - std::min(sink.limit, sink.out->size());
    if (length > room && sink.failBeyondLimit)
        return 0;  // curl fails the transfer with CURLE_WRITE_ERROR
    sink.out->append(data, std::min(length, room));
    return length;
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*)
{
    return size * count;
}

std::string upper(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

/// The lines of `response` that start with "* WORD" (case-insensitive), after it.
std::vector<std::string_view> untagged(std::string_view response, std::string_view word)
{
    std::vector<std::string_view> found;
    const std::string prefix = "* " + upper(std::string(word));
    while (!response.empty()) {
        const std::size_t end = response.find('\n');
        std::string_view line = response.substr(0, end);
        response = end == std::string_view::npos ? std::string_view() : response.substr(end + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.size() < prefix.size() || upper(std::string(line.substr(0, prefix.size()))) != prefix)
            continue;
        line.remove_prefix(prefix.size());
        if (line.empty() || line.front() == ' ')
            found.push_back(line);
    }
    return found;
}

/// The words of `text`, split at spaces.
std::vector<std::string_view> words(std::string_view text)
{
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const std::size_t start = text.find_first_not_of(' ');
        if (start == std::string_view::npos)
            break;
        text.remove_prefix(start);
        const std::size_t end = std::min(text.find(' '), text.size());
        out.push_back(text.substr(0, end));
        text.remove_prefix(end);
    }
    return out;
}

} // namespace

ImapUrl parseImapUrl(const std::string& url, bool requireTls)
{
    ImapUrl parsed;
    std::unique_ptr<CURLU, UrlFree> handle(curl_url());
    if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        parsed.problem = "\"" + url + "\" is not a URL (imaps://HOST/MAILBOX)";
        return parsed;
    }
    parsed.scheme = urlPart(handle.get(), CURLUPART_SCHEME);
    parsed.host = urlPart(handle.get(), CURLUPART_HOST);
    const std::string path = urlPart(handle.get(), CURLUPART_PATH);
    parsed.mailboxPath = path.empty() ? path : path.substr(1);
    parsed.mailbox = urlPart(handle.get(), CURLUPART_PATH, CURLU_URLDECODE);
    parsed.mailbox = parsed.mailbox.empty() ? parsed.mailbox : parsed.mailbox.substr(1);
    if (parsed.scheme != "imap" && parsed.scheme != "imaps")
        parsed.problem = "\"" + url + "\" is not an imap:// or imaps:// URL";
    else if (!urlPart(handle.get(), CURLUPART_USER).empty() || !urlPart(handle.get(), CURLUPART_PASSWORD).empty())
        parsed.problem = "\"" + url + "\" holds credentials: put them in bouncer.imap.user and bouncer.imap.passwordFile";
    else if (!urlPart(handle.get(), CURLUPART_QUERY).empty() || parsed.mailboxPath.find(';') != std::string::npos)
        parsed.problem = "\"" + url + "\" has a query or ;parameters: name only the mailbox";
    else if (parsed.mailbox.empty() || !imapQuoted(parsed.mailbox))
        parsed.problem = "\"" + url + "\" names no usable mailbox (imaps://HOST/INBOX; ASCII names only)";
    else if (!requireTls && (parsed.scheme != "imap" || !isLoopback(parsed.host)))
        parsed.problem = "\"" + url + "\": plain IMAP (tls none) is only for imap:// to a loopback address";
    if (!parsed.ok())
        return parsed;
    curl_url_set(handle.get(), CURLUPART_PATH, "/", 0);
    parsed.base = urlPart(handle.get(), CURLUPART_URL);
    return parsed;
}

std::optional<std::string> imapQuoted(std::string_view name)
{
    if (name.empty())
        return std::nullopt;
    std::string quoted = "\"";
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f)
            return std::nullopt;  // non-ASCII names need modified UTF-7, control characters no form
        if (c == '"' || c == '\\')
            quoted.push_back('\\');
        quoted.push_back(c);
    }
    return quoted + "\"";
}

bool isImapKeyword(std::string_view keyword)
{
    return !keyword.empty() && keyword.size() <= 100 && std::all_of(keyword.begin(), keyword.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("$_-.:+").find(c) != std::string_view::npos;
    });
}

std::vector<std::uint32_t> parseSearchResponse(std::string_view response)
{
    std::vector<std::uint32_t> uids;
    for (const std::string_view line : untagged(response, "SEARCH"))
        for (const std::string_view word : words(line)) {
            std::uint64_t value = 0;
            bool number = !word.empty() && word.size() <= 10;
            for (const char c : word) {
                number = number && std::isdigit(static_cast<unsigned char>(c));
                value = value * 10 + static_cast<unsigned>(c - '0');
            }
            if (number && value > 0 && value <= UINT32_MAX)
                uids.push_back(static_cast<std::uint32_t>(value));
        }
    return uids;
}

std::vector<std::string> parseCapabilities(std::string_view response)
{
    std::vector<std::string> capabilities;
    for (const std::string_view line : untagged(response, "CAPABILITY"))
        for (const std::string_view word : words(line))
            capabilities.push_back(upper(std::string(word)));
    return capabilities;
}

// ------------------------------------------------------------------ ImapClient

struct ImapClient::Handle
{
    struct Free
    {
        void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
    };
    std::unique_ptr<CURL, Free> curl;
    char error[CURL_ERROR_SIZE] = {};
    Sink sink;
};

namespace {

template <typename Value>
void setOption(CURL* curl, CURLoption option, Value value)
{
    const CURLcode result = curl_easy_setopt(curl, option, value);
    if (result != CURLE_OK)
        throw ImapError(std::string("libcurl refuses an option: ") + curl_easy_strerror(result));
}

} // namespace

ImapClient::ImapClient(ImapSettings settings)
    : _settings(std::move(settings)), _url(parseImapUrl(_settings.url, _settings.requireTls)),
      _handle(std::make_unique<Handle>())
{
    if (!_url.ok())
        throw ImapError(_url.problem);
    _quotedMailbox = *imapQuoted(_url.mailbox);
    initCurlOnce();
    _handle->curl.reset(curl_easy_init());
    if (!_handle->curl)
        throw ImapError("libcurl cannot make a handle");
    CURL* curl = _handle->curl.get();
    setOption(curl, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    setOption(curl, CURLOPT_USERNAME, _settings.user.c_str());
    setOption(curl, CURLOPT_PASSWORD, _settings.password.c_str());
    setOption(curl, CURLOPT_USE_SSL, static_cast<long>(_settings.requireTls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    setOption(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    setOption(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!_settings.caFile.empty())
        setOption(curl, CURLOPT_CAINFO, _settings.caFile.c_str());
    setOption(curl, CURLOPT_CONNECTTIMEOUT, _settings.connectTimeoutSeconds);
    setOption(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    setOption(curl, CURLOPT_LOW_SPEED_TIME, _settings.stallSeconds);
    setOption(curl, CURLOPT_NOSIGNAL, 1L);
    setOption(curl, CURLOPT_ERRORBUFFER, _handle->error);
    setOption(curl, CURLOPT_WRITEFUNCTION, &writeToSink);
    setOption(curl, CURLOPT_WRITEDATA, &_handle->sink);
    setOption(curl, CURLOPT_HEADERFUNCTION, &discard);
}

ImapClient::~ImapClient() = default;

std::string ImapClient::mailboxUrl() const
{
    return _url.base + _url.mailboxPath;
}

std::optional<std::size_t> ImapClient::transfer(const std::string& url, const char* request, std::string& out,
                                                std::size_t limit, bool failBeyondLimit)
{
    CURL* curl = _handle->curl.get();
    setOption(curl, CURLOPT_URL, url.c_str());
    setOption(curl, CURLOPT_CUSTOMREQUEST, request);
    _handle->sink = Sink{&out, limit, 0, failBeyondLimit};
    _handle->error[0] = '\0';
    const CURLcode result = curl_easy_perform(curl);
    const std::string what = url + ": " + (request ? request : "FETCH");
    if (result != CURLE_OK) {
        if (result == CURLE_REMOTE_FILE_NOT_FOUND && !request)
            return std::nullopt;  // a fetch of a message no longer there
        throw ImapError(what + ": " + (_handle->error[0] ? _handle->error : curl_easy_strerror(result)));
    }
    // A new connection has none of this one's state: the mailbox curl selects on it is
    // read-write, where curl's fetch would set \Seen. Stop rather than go on.
    long connects = 0;
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
    if (connects > 0 && _connected)
        throw ImapError(what + ": the connection to the IMAP server was replaced; the rest is left for the next run");
    _connected = true;
    return _handle->sink.total;
}

std::string ImapClient::command(const std::string& request)
{
    std::string response;
    transfer(_url.base, request.c_str(), response, kMaxResponseBytes, true);
    return response;
}

void ImapClient::open(bool readOnly)
{
    if (!_connected) {
        // curl SELECTs the URL's mailbox before the command and, from then on, takes
        // it as selected on this connection: its own FETCH then selects nothing.
        std::string ignored;
        transfer(mailboxUrl(), "NOOP", ignored, kMaxResponseBytes, true);
        _readOnly = false;
    }
    if (_readOnly != readOnly) {
        command(std::string(readOnly ? "EXAMINE " : "SELECT ") + _quotedMailbox);
        _readOnly = readOnly;
    }
}

std::vector<std::uint32_t> ImapClient::search(const std::string& criteria)
{
    open(_readOnly);
    std::vector<std::uint32_t> uids = parseSearchResponse(command("UID SEARCH " + criteria));
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    return uids;
}

std::optional<ImapMessage> ImapClient::fetch(std::uint32_t uid, std::size_t maxBytes)
{
    open(true);
    ImapMessage message;
    const std::optional<std::size_t> total =
        transfer(mailboxUrl() + "/;UID=" + std::to_string(uid), nullptr, message.data, maxBytes, false);
    if (!total)
        return std::nullopt;
    message.totalBytes = *total;
    return message;
}

void ImapClient::addFlags(std::uint32_t uid, const std::string& flags)
{
    open(false);
    command("UID STORE " + std::to_string(uid) + " +FLAGS.SILENT (" + flags + ")");
}

void ImapClient::move(std::uint32_t uid, const std::string& mailbox)
{
    const std::optional<std::string> target = imapQuoted(mailbox);
    if (!target)
        throw ImapError("\"" + mailbox + "\" cannot be an IMAP mailbox name");
    open(false);
    const std::string id = std::to_string(uid);
    if (supportsMove()) {
        command("UID MOVE " + id + " " + *target);
        return;
    }
    command("UID COPY " + id + " " + *target);
    command("UID STORE " + id + " +FLAGS.SILENT (\\Deleted)");
    if (has("UIDPLUS"))
        command("UID EXPUNGE " + id);  // only this message: others' \Deleted ones stay
}

bool ImapClient::supportsMove()
{
    return has("MOVE");
}

bool ImapClient::has(std::string_view capability)
{
    const std::vector<std::string>& all = capabilities();
    return std::find(all.begin(), all.end(), upper(std::string(capability))) != all.end();
}

const std::vector<std::string>& ImapClient::capabilities()
{
    if (!_capabilities) {
        open(_readOnly);
        _capabilities = parseCapabilities(command("CAPABILITY"));
    }
    return *_capabilities;
}

} // namespace verpmail
