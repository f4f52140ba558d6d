// NonStandardFormats: see the header. The tables below are what marks a report
// that is no RFC 3464 DSN as a bounce.
#include "verpmail/bounce/NonStandardFormats.h"

#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/PhraseSet.h"
#include "verpmail/bounce/SmtpCodes.h"

namespace verpmail::bounce {

bool looksLikeBounceHeader(const HeaderBlock& headers)
{
    if (headers.has("X-Failed-Recipients"))
        return true;
    const std::string from = toLower(headers.find("From"));
    if (from.find("mailer-daemon") != std::string::npos || from.find("postmaster") != std::string::npos ||
        from.find("mail delivery") != std::string::npos || from.find("mail-daemon") != std::string::npos)
        return true;
    // Lower-case subject fragments of delivery failure reports.
    static const PhraseSet subjects({
        "undeliver",          "delivery status notification", "delivery has failed",
        "mail delivery",      "failure notice",      "not delivered",
        "delivery problem",   "delivery notification", "non remis",
        "unzustellbar",       "nicht zustellbar",    "no entregado",
        "non recapitato",     "niet bezorgd",        "mail system error",
        "delivery report",    "nondeliverable",      "non-deliverable",
        "unable to deliver",  "rejected",            "failed delivery",
        "bounce",             "error sending",       "mail failure",
        "delivery error",     "warning: could not",  "permanent error",
        "delivery fail",      "returned",
        "\xe9\x85\x8d\xe4\xbf\xa1",                        // 配信
        "\xe4\xb8\x8d\xe9\x81\x94",                        // 不達
    });
    return subjects.findAny(decodeEncodedWords(headers.find("Subject")));
}

bool looksLikeBounceText(std::string_view text)
{
    // Lower-case phrases of a delivery failure report's prose.
    static const PhraseSet phrases({
        "couldn't be delivered",    "was not delivered",       "wasn't delivered",
        "not be delivered",         "undeliverable",           "delivery has failed",
        "delivery failed",          "permanent error",         "permanent fatal error",
        "did not reach",            "unable to deliver",       "error delivering",
        "trouble delivering",       "delivery to the following", "failed permanently",
        "following address(es) failed", "could not deliver",   "failed to deliver",
        "invalid user address",     "no such user",            "user unknown",
        "mailbox is full",
    });
    return phrases.findAny(text.substr(0, 16384));
}

bool isDelayNotice(std::string_view text)
{
    // Lower-case phrases of "still trying" warnings.
    static const PhraseSet phrases({
        "has not yet been delivered",
        "delivery attempts will continue",
        "will continue trying",
        "will continue to try",
        "still trying to deliver",
        "this is a warning message only",
        "do not need to resend",
        "still being retried",
        "no action is required on your part",
        "delivery status notification (delay)",
        "warning: message",
    });
    // Words of a final failure win: MDaemon's permanent failure also tells the sender
    // it does "not need to resend" to the recipients that did get the message.
    static const PhraseSet final({
        "permanent fatal", "permanent error", "failed permanently", "have given up", "i've given up",
    });
    const std::string_view head = text.substr(0, 8192);
    return phrases.findAny(head) && !final.findAny(head);
}

void fillCodesFromText(RecipientResult& result)
{
    if (result.status.empty())
        result.status = findStatusCode(result.diagnostic);
    if (result.replyCode.empty())
        result.replyCode = findReplyCode(result.diagnostic);
}

} // namespace verpmail::bounce
