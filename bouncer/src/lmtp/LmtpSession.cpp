#include "lmtp/LmtpSession.h"

#include "lmtp/LmtpCommand.h"

#include "verpmail/util/Printable.h"

namespace verpmail {
namespace {

// RFC 5321 section 4.5.3.1.4: a command line is at most 512 octets; Postfix sends no
// more, and ESMTP parameters may add some, so this leaves room.
constexpr std::size_t kMaxCommandBytes = 1000;

// Protocol replies, in Postfix smtpd's wording. What a recipient's outcome means is
// not here: that is ReturnContract's.
constexpr std::string_view kOk = "250 2.0.0 Ok";
constexpr std::string_view kBye = "221 2.0.0 Bye";
constexpr std::string_view kStartData = "354 End data with <CR><LF>.<CR><LF>";
constexpr std::string_view kVrfy = "252 2.0.0 Cannot VRFY; send some mail";
constexpr std::string_view kHelp = "214 2.0.0 Commands: LHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP";
constexpr std::string_view kNeedLhlo = "503 5.5.1 Error: send LHLO first";
constexpr std::string_view kNestedMail = "503 5.5.1 Error: nested MAIL command";
constexpr std::string_view kNeedMail = "503 5.5.1 Error: need MAIL command";
constexpr std::string_view kNeedRcpt = "503 5.5.1 Error: need RCPT command";
constexpr std::string_view kLhloSyntax = "501 5.5.4 Syntax: LHLO hostname";
constexpr std::string_view kMailSyntax = "501 5.5.4 Syntax: MAIL FROM:<address>";
constexpr std::string_view kRcptSyntax = "501 5.5.4 Syntax: RCPT TO:<address>";
constexpr std::string_view kNoArgument = "501 5.5.4 Syntax: no parameters allowed";
constexpr std::string_view kTooManyRecipients = "452 4.5.3 Error: too many recipients";
constexpr std::string_view kNotImplemented = "502 5.5.1 Error: command not implemented";
constexpr std::string_view kUnknown = "500 5.5.2 Error: command not recognized";
constexpr std::string_view kLineTooLong = "500 5.5.2 Error: line too long";
constexpr std::string_view kTimeout = "421 4.4.2 Error: timeout exceeded";
constexpr std::string_view kTooManyErrors = "421 4.7.0 Error: too many errors";

// Postfix's lmtp client makes no protocol errors; a peer that keeps making them is
// not Postfix, and is let go as smtpd(8) does (smtpd_hard_error_limit).
constexpr unsigned kMaxProtocolErrors = 20;

constexpr std::size_t kLogAddressBytes = 254;

constexpr std::size_t kPieceBytes = 8 * 1024;

void keep(IncomingMessage& message, std::string_view bytes, std::size_t maxBytes)
{
    message.totalBytes += bytes.size();
    if (message.data.size() < maxBytes)
        message.data.append(bytes.substr(0, maxBytes - message.data.size()));
}

/// Appends the message up to its lone "." line to message.data, keeping at most
/// maxBytes of data in all and counting every byte in message.totalBytes. Lines of any
/// length are read in bounded pieces. False when the input ended before the "." line
/// (the transaction is then void).
bool readMessageData(LineChannel& channel, std::size_t maxBytes, IncomingMessage& message)
{
    std::string piece;
    bool lineStart = true;
    for (;;) {
        const LineChannel::Piece kind = channel.read(piece, kPieceBytes);
        if (kind == LineChannel::Piece::End)
            return false;
        std::string_view bytes = piece;
        if (lineStart && !bytes.empty() && bytes.front() == '.') {
            if (kind == LineChannel::Piece::LineEnd && bytes.size() == 1)
                return true;
            bytes.remove_prefix(1);  // RFC 5321 section 4.5.2
        }
        keep(message, bytes, maxBytes);
        lineStart = kind == LineChannel::Piece::LineEnd;
        if (lineStart)
            keep(message, "\n", maxBytes);
    }
}

} // namespace

LmtpSession::LmtpSession(LineChannel& channel, ReturnDesk& desk, const LmtpSettings& settings, std::string client,
                         Poco::Logger& log)
    : _channel(channel), _desk(desk), _settings(settings), _client(std::move(client)), _log(log)
{
}

void LmtpSession::run()
{
    reply("220 " + _settings.hostname + " LMTP verpmail");
    std::string line;
    for (;;) {
        if (_protocolErrors >= kMaxProtocolErrors) {
            _log.warning("lmtp: client=" + _client + " status=disconnected reason=\"too many errors\"");
            reply(kTooManyErrors);
            _channel.flush();
            return;
        }
        const LineChannel::Line got = _channel.readLine(line, kMaxCommandBytes);
        if (got == LineChannel::Line::End)
            break;
        if (got == LineChannel::Line::TooLong) {
            protocolError(kLineTooLong);
            continue;
        }
        if (handle(line) == Next::Quit) {
            _channel.flush();
            return;
        }
    }
    if (_channel.end() == StreamEnd::TimedOut) {
        _log.notice("lmtp: client=" + _client + " status=timeout");
        reply(kTimeout);
        _channel.flush();
    }
}

LmtpSession::Next LmtpSession::handle(std::string_view line)
{
    const LmtpCommand command = parseCommand(line);
    switch (command.verb) {
    case Verb::Lhlo: lhlo(command.argument); break;
    case Verb::Mail: mail(command.argument); break;
    case Verb::Rcpt: rcpt(command.argument); break;
    case Verb::Data: return data(command.argument);
    case Verb::Rset:
        resetTransaction();
        reply(kOk);
        break;
    case Verb::Noop: reply(kOk); break;
    case Verb::Quit: reply(kBye); return Next::Quit;
    case Verb::Vrfy: reply(kVrfy); break;
    case Verb::Help: reply(kHelp); break;
    case Verb::NotImplemented: protocolError(kNotImplemented); break;
    case Verb::Unknown: protocolError(kUnknown); break;
    }
    return Next::Continue;
}

void LmtpSession::lhlo(std::string_view argument)
{
    if (argument.empty()) {
        protocolError(kLhloSyntax);
        return;
    }
    resetTransaction();
    _greeted = true;
    // SIZE without a number: no fixed limit. A larger message is accepted and stored
    // cut to maxMessageBytes, as the pipe path does; with a limit here Postfix would
    // give up on it for good (5.3.4) instead.
    reply("250-" + _settings.hostname);
    reply("250-PIPELINING");
    reply("250-ENHANCEDSTATUSCODES");
    reply("250-8BITMIME");
    reply("250-SMTPUTF8");
    reply("250 SIZE");
}

void LmtpSession::mail(std::string_view argument)
{
    if (!_greeted) {
        protocolError(kNeedLhlo);
        return;
    }
    if (_inTransaction) {
        protocolError(kNestedMail);
        return;
    }
    const std::optional<MailPath> path = parsePath(argument, "FROM:");
    if (!path) {
        protocolError(kMailSyntax);
        return;
    }
    // SIZE, BODY, SMTPUTF8 and whatever else Postfix adds change nothing here: the
    // bytes are stored as they come, and any size is accepted.
    _sender = path->address;
    _inTransaction = true;
    reply(kOk);
}

void LmtpSession::rcpt(std::string_view argument)
{
    if (!_inTransaction) {
        protocolError(kNeedMail);
        return;
    }
    const std::optional<MailPath> path = parsePath(argument, "TO:");
    if (!path || path->address.empty()) {
        protocolError(kRcptSyntax);
        return;
    }
    if (_recipients.size() >= _settings.maxRecipients) {
        reply(kTooManyRecipients);
        return;
    }
    std::string detail;
    const RecipientStatus status = _desk.checkRecipient(path->address, detail);
    const std::string answer = lmtpRcptReply(status, detail);
    if (status == RecipientStatus::Ours)
        _recipients.push_back(path->address);
    else
        logRecipient(path->address, status == RecipientStatus::NotOurs ? "refused" : "deferred", answer);
    reply(answer);
}

LmtpSession::Next LmtpSession::data(std::string_view argument)
{
    if (!argument.empty()) {
        protocolError(kNoArgument);
        return Next::Continue;
    }
    if (!_inTransaction) {
        protocolError(kNeedMail);
        return Next::Continue;
    }
    if (_recipients.empty()) {
        protocolError(kNeedRcpt);
        return Next::Continue;
    }
    reply(kStartData);
    // The parser gets the bytes pipe(8) gives the bouncer for the same message: LF
    // line ends (Postfix stores lines without ends and its LMTP client sends CRLF),
    // dot-stuffing undone, and "Return-Path: <sender>" first as pipe's R flag writes
    // it. So the dedup key of a return is the same whichever way it came.
    IncomingMessage message;
    message.sender = _sender;
    message.source = "lmtp";
    message.data = "Return-Path: <" + _sender + ">\n";
    message.totalBytes = message.data.size();
    if (!readMessageData(_channel, _settings.maxMessageBytes, message)) {
        _log.warning("lmtp: client=" + _client + " from=<" + printable(_sender, kLogAddressBytes) +
                     "> status=lost reason=\"connection ended during DATA\"");
        return Next::Quit;
    }
    deliver(message);
    resetTransaction();
    return Next::Continue;
}

void LmtpSession::deliver(IncomingMessage& message)
{
    // RFC 2033 section 4.2: one reply per accepted recipient, in RCPT order, each
    // given only once that recipient's return is stored (or known not to be).
    for (const std::string& recipient : _recipients) {
        message.recipient = recipient;
        std::string detail;
        const Outcome outcome = _desk.take(message, detail);
        const std::string answer = lmtpDataReply(outcome, detail);
        logRecipient(recipient, std::string(outcomeName(outcome)) + " size=" + std::to_string(message.totalBytes),
                     answer);
        reply(answer);
    }
}

void LmtpSession::resetTransaction()
{
    _inTransaction = false;
    _sender.clear();
    _recipients.clear();
}

void LmtpSession::protocolError(std::string_view line)
{
    ++_protocolErrors;
    reply(line);
}

void LmtpSession::reply(std::string_view line)
{
    _channel.write(line);
    _channel.write("\r\n");
}

void LmtpSession::logRecipient(std::string_view recipient, std::string_view status, std::string_view answer)
{
    // Postfix's own form: "status=sent (250 2.0.0 Ok)".
    _log.information("lmtp: client=" + _client + " from=<" + printable(_sender, kLogAddressBytes) + "> to=<" +
                     printable(recipient, kLogAddressBytes) + "> status=" + std::string(status) + " (" +
                     printable(answer, 400) + ")");
}

} // namespace verpmail
