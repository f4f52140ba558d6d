// ParsedReturn: the facts a returned message carries, as the parser saw them.
//
// A "return" is anything that arrives at a VERP address: a delivery status
// notification (RFC 3464 or an MTA's own format), a complaint (RFC 5965 ARF),
// an auto-reply (RFC 3834), or something else. The parser fills this value type;
// the classifier (BounceClassifier.h) has already set `reason` and `bounceClass`
// for every recipient. Nothing here touches a database or applies policy.
#pragma once

#include <string>
#include <vector>

namespace verpmail {

/// What kind of message came back.
enum class ReturnKind { Bounce, Complaint, AutoReply, Other };

/// What a recipient's result means for the list member.
///  Hard:      the address itself is dead (unknown user/domain, moved).
///  Soft:      a failure that says nothing final about the address (full, expired, ...).
///  Block:     the receiver refused the sender or the content; never the member's fault.
///  Complaint: the recipient reported the mail as spam / asked to stop (ARF).
///  AutoReply: a vacation / out-of-office answer; not a failure.
///  None:      delivered, relayed, delayed or expanded notices; nothing failed (yet).
enum class BounceClass { Hard, Soft, Block, Complaint, AutoReply, None };

/// One recipient's result inside a return.
struct RecipientResult
{
    std::string address;     ///< Final-Recipient (or the best address the format offers); lower-case domain; may be empty
    std::string action;      ///< "failed", "delayed", "delivered", "relayed", "expanded", or "" when the format has none
    std::string status;      ///< enhanced status code "X.Y.Z", or "" when none was found
    std::string replyCode;   ///< SMTP reply code "550", or ""
    std::string diagnostic;  ///< Diagnostic-Code text or the MTA's error line, unfolded, bounded (<= 1000 octets)
    std::string diagnosticType; ///< type of the Diagnostic-Code ("smtp", "x-unix", ...), lower-case, or ""
    std::string remoteMta;   ///< Remote-MTA, or ""
    std::string smtpCommand; ///< SMTP stage the error answered: "MAIL", "RCPT", "DATA", ... or ""
    /// smtpCommand stands even when empty: the parser has searched the diagnostic for
    /// one already, so classify() need not search it again.
    bool smtpCommandSettled = false;
    std::string reason;      ///< classifier vocabulary: userunknown, mailboxfull, blocked, ... ("" only for None)
    BounceClass bounceClass = BounceClass::None;
};

/// Everything parsed from one returned message.
struct ParsedReturn
{
    ReturnKind kind = ReturnKind::Other;
    std::vector<RecipientResult> recipients;

    /// Addresses found in the returned original message's headers that may be our own
    /// VERP envelope sender: its Return-Path, X-Verpmail-Envelope, and the From/Sender
    /// of an embedded original. The bouncer tries them when the envelope recipient it
    /// was called with does not decode (mailbox intake, redacted ARF reports).
    std::vector<std::string> verpCandidates;

    std::string envelopeId;        ///< Original-Envelope-Id of the DSN (our campaign id), or ""
    std::string campaign;          ///< X-Verpmail-Campaign header of the returned original, or ""
    std::string feedbackType;      ///< ARF Feedback-Type (abuse, opt-out, ...), or ""
    std::string subject;           ///< Subject of the return itself, bounded, for logs
    std::string problem;           ///< why parsing stopped early (a limit hit, no body...), or ""
};

/// Bounds on the work the parser does on untrusted input. Anything past a limit is
/// ignored, never an error: a huge or deeply nested return still yields what the
/// first bytes said.
struct ParseLimits
{
    std::size_t maxBytes = 10 * 1024 * 1024;  ///< input beyond this is not looked at
    int maxMimeDepth = 8;                      ///< nesting of multipart / message/rfc822
    int maxParts = 100;                        ///< MIME parts visited in total
    std::size_t maxHeaderBytes = 64 * 1024;    ///< one (unfolded) header field
    std::size_t maxRecipients = 100;           ///< recipient results kept
};

const char* toString(ReturnKind kind);
const char* toString(BounceClass bounceClass);

} // namespace verpmail
