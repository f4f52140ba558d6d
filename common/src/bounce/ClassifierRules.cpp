// ClassifierRules: the tables. Phrases are our own collection of the wording MTAs
// and large providers use; each group is ordered from specific to general, and
// groups that must win over others (sender-side rejections before recipient-side
// ones, "spamhaus" before "spam") come first.
#include "verpmail/bounce/ClassifierRules.h"

namespace verpmail::bounce {

const std::vector<PhraseRule>& phraseRules()
{
    static const std::vector<PhraseRule> rules = {
        // --- the message itself breaks the format rules (before "dkim": "duplicate header 'DKIM-Signature'") ---
        {"rfc 5322", "notcompliantrfc"},
        {"rfc5322", "notcompliantrfc"},
        {"rfc 2822", "notcompliantrfc"},
        {"rfc2822", "notcompliantrfc"},
        {"not rfc compliant", "notcompliantrfc"},
        {"multiple addresses in from", "notcompliantrfc"},
        {"multiple from", "notcompliantrfc"},
        {"duplicate header", "notcompliantrfc"},

        // --- our side (before "host * not found"): a DNS lookup that failed, not an
        //     answer that the domain does not exist; our HELO name refused ---
        {"not found, try again", "networkerror"},             // Postfix: the lookup may succeed later
        {"name server reply", "networkerror"},
        {"helo command rejected", "blocked"},
        {"invalid helo", "blocked"},
        {"helo name", "blocked"},
        {"helo/ehlo", "blocked"},

        // --- wording tied to one reason ---
        {"media error", "contenterror"},
        {"on hold", "onhold"},
        {"disabled recipient", "suspend"},
        {"authentication checks failed", "authfailure"},
        {"bad destination system address", "hostunknown"},
        {"host * not found", "hostunknown"},
        {"domain * not found", "hostunknown"},
        {"system not accepting network messages", "notaccept"},
        {"user complaints", "badreputation"},                 // Yahoo "[TSS04] ... volume or user complaints"
        {"frequency limited", "toomanyconn"},                 // QQ "Ip frequency limited"
        {"account is blocked", "suspend"},                    // the recipient's account, not our IP
        {"temporary locked", "suspend"},
        {"temporarily locked", "suspend"},
        {"did not accept our requests to connect", "expired"}, // Gmail gave up connecting
        {"delivery failed * attempts", "expired"},
        {"potential security issue", "policyviolation"},
        {"authentication information", "authfailure"},
        {"dns query failed", "networkerror"},                 // Exchange "5.4.312 Message expired, DNS query failed"
        {"content presents a potential", "policyviolation"},  // Gmail, as Sendmail cuts its multi-line reply
        {"unverifyable sending", "requireptr"},
        {"unverifiable sending", "requireptr"},
        {"does not support tls", "failedstarttls"},
        {"ofr_506", "spamdetected"},                          // Orange: 506 is its spam verdict

        // --- spam verdicts whose advice text mentions SPF/DKIM ---
        {"spam classification", "spamdetected"},

        // --- a hedge ("the account or domain may not exist, ... may be blacklisted")
        //     says nothing is known: never dead on it ---
        {"may not exist", "onhold"},

        // --- Microsoft's wording for an unknown recipient (before "access denied"), with
        //     5.4.1 / 5.1.10; with 5.7.x the same words are a Postfix access-map refusal ---
        {"recipient address rejected: access denied", "blocked", "5.7."},
        {"recipient address rejected: access denied", "userunknown"},

        // --- the sender's address or domain was refused (must precede "domain not found") ---
        {"sender address rejected", "rejected"},
        {"sender was rejected", "rejected"},                  // qmail "Connected to ... but sender was rejected"
        {"purported responsible address", "rejected"},        // Sender ID
        {"permission to post", "rejected"},                   // Google Groups
        {"valid from", "rejected"},                           // "Please provide a valid From:"
        {"sender domain must exist", "rejected"},
        {"sender domain does not exist", "rejected"},
        {"sender verify failed", "rejected"},
        {"sender verification failed", "rejected"},
        {"domain of sender address", "rejected"},
        {"sender rejected", "rejected"},
        {"sender is rejected", "rejected"},
        {"sender not allowed", "rejected"},
        {"sender denied", "rejected"},
        {"invalid sender", "rejected"},
        {"bad sender", "rejected"},
        {"sender address has null mx", "rejected"},
        {"your envelope sender", "rejected"},
        {"from address is not", "rejected"},
        {"mail from address", "rejected"},
        {"the sender's domain", "rejected"},
        {"unroutable sender address", "rejected"},
        {"no such sender", "rejected"},

        // --- relaying ---
        {"relay access denied", "norelaying"},
        {"relaying denied", "norelaying"},
        {"relay denied", "norelaying"},
        {"relay not permitted", "norelaying"},
        {"relaying not permitted", "norelaying"},
        {"not permitted to relay", "norelaying"},
        {"relaying not allowed", "norelaying"},
        {"relay not allowed", "norelaying"},
        {"not allowed to relay", "norelaying"},
        {"unable to relay", "norelaying"},
        {"we do not relay", "norelaying"},
        {"relay prohibited", "norelaying"},
        {"no relaying", "norelaying"},
        {"relaying mail to", "norelaying"},
        {"not a gateway", "norelaying"},
        {"not configured to relay", "norelaying"},
        {"address is not verified", "norelaying"},

        // --- sender authentication (SPF, DKIM, DMARC) ---
        {"dmarc", "authfailure"},
        {"spf check", "authfailure"},
        {"spf validation", "authfailure"},
        {"spf fail", "authfailure"},
        {"spf record", "authfailure"},
        {"sender policy framework", "authfailure"},
        {"dkim", "authfailure"},
        {"not pass authentication", "authfailure"},
        {"unauthenticated email", "authfailure"},

        // --- reverse DNS ---
        {"reverse dns", "requireptr"},
        {"reverse lookup", "requireptr"},
        {"rdns", "requireptr"},
        {"ptr record", "requireptr"},
        {"no ptr", "requireptr"},
        {"cannot find your hostname", "requireptr"},
        {"cannot resolve your address", "requireptr"},
        {"client host rejected: cannot find your", "requireptr"},
        {"without a hostname", "requireptr"},
        {"name lookup failed", "requireptr"},
        {"does not have a reverse", "requireptr"},
        {"no reverse", "requireptr"},

        // --- reputation ---
        {"bad reputation", "badreputation"},
        {"poor reputation", "badreputation"},
        {"low reputation", "badreputation"},
        {"ip reputation", "badreputation"},
        {"sender reputation", "badreputation"},
        {"domain reputation", "badreputation"},

        // --- TLS ---
        {"must issue a starttls", "failedstarttls"},
        {"starttls is required", "failedstarttls"},
        {"tls required", "failedstarttls"},
        {"requires tls", "failedstarttls"},
        {"encryption required", "securityerror"},
        {"authentication required", "securityerror"},
        {"authentication is required", "securityerror"},
        {"must be authenticated", "securityerror"},
        {"auth required", "securityerror"},
        {"smtp auth", "securityerror"},
        {"not authenticated", "securityerror"},
        {"unauthenticated sender", "securityerror"},
        {"authentication failed", "securityerror"},
        {"authentication credentials invalid", "securityerror"},
        {"send mail as", "securityerror"},
        {"not allowed to send as", "securityerror"},
        {"submission policy", "securityerror"},

        // --- viruses and malware ---
        {"virus", "virusdetected"},
        {"malware", "virusdetected"},
        {"infected", "virusdetected"},
        {"dangerous attachment", "virusdetected"},

        // --- a listed link in the content is spam, not a blocked sender ---
        {"uribl", "spamdetected"},
        {"surbl", "spamdetected"},
        {"listed url", "spamdetected"},
        {"url is listed", "spamdetected"},

        // --- block lists (before "spam": "spamhaus" is a list) ---
        {"not listed in", "userunknown"},
        {"refused to talk to me", "blocked"},
        {"blocked using", "blocked"},                         // Postfix reject_rbl_client
        {"unfortunately, messages from", "blocked"},          // Outlook.com "messages from <ip> weren't sent"
        {"spamhaus", "blocked"},
        {"spamcop", "blocked"},
        {"barracudacentral", "blocked"},
        {"sorbs", "blocked"},
        // --- a connection limit names our IP, but it is no block (before "your ip") ---
        {"too many connections", "toomanyconn"},
        {"too many concurrent", "toomanyconn"},
        {"too many simultaneous", "toomanyconn"},
        {"too many sessions", "toomanyconn"},
        {"connection limit", "toomanyconn"},

        {"dnsbl", "blocked"},
        {"blacklist", "blocked"},
        {"black list", "blocked"},
        {"blocklist", "blocked"},
        {"block list", "blocked"},
        {"denylist", "blocked"},
        {"listed in", "blocked"},
        {"listed at", "blocked"},
        {"listed on", "blocked"},
        {"rbl", "blocked"},
        {"client host rejected", "blocked"},
        {"client host blocked", "blocked"},
        {"connection refused by", "blocked"},
        {"connection rejected", "blocked"},
        {"your ip", "blocked"},
        {"ip address is", "blocked"},
        {"ip address has been", "blocked"},
        {"has been blocked", "blocked"},
        {"access denied - invalid", "blocked"},
        {"banned", "blocked"},
        {"is blocked", "blocked"},
        {"are blocked", "blocked"},
        {"temporarily deferred", "blocked"},
        {"temporarily rejected", "blocked"},
        {"dynamic ip", "blocked"},
        {"invalid ip", "blocked"},
        {"dial-up", "blocked"},
        {"dialup", "blocked"},
        {"residential", "blocked"},
        {"not allowed to send mail", "blocked"},
        {"access denied. ip", "blocked"},
        {"host is not allowed", "blocked"},
        {"sending ip", "blocked"},
        {"blocked by", "blocked"},

        // --- content judged as spam ---
        {"spam", "spamdetected"},
        {"junk mail", "spamdetected"},
        {"bulk mail", "spamdetected"},
        {"unsolicited", "spamdetected"},
        {"content rejected", "spamdetected"},
        {"scored too high", "spamdetected"},
        {" uce ", "spamdetected"},
        {"suspicious", "spamdetected"},
        {"phishing", "spamdetected"},

        // --- message too big / over a per-recipient limit ---
        {"mailbox size limit", "mailboxfull"},
        {"exceeds the size limit of the recipient", "exceedlimit"},
        {"message exceeds", "mesgtoobig"},
        {"line limit exceeded", "mesgtoobig"},
        {"message too large", "mesgtoobig"},
        {"message is too large", "mesgtoobig"},
        {"message too big", "mesgtoobig"},
        {"message is too big", "mesgtoobig"},
        {"message length exceeds", "mesgtoobig"},
        {"size exceeds", "mesgtoobig"},
        {"maximum message size", "mesgtoobig"},
        {"message file too big", "mesgtoobig"},
        {"too big for", "mesgtoobig"},
        {"size limit", "mesgtoobig"},

        // --- faster than a per-time limit (before "too many messages": a mailbox count) ---
        {"connection rate", "toomanyconn"},
        {"rate limit", "speeding"},
        {"sending rate", "speeding"},
        {"too fast", "speeding"},
        {"per hour", "speeding"},
        {"throttl", "speeding"},

        // --- mailbox full ---
        {"mailbox full", "mailboxfull"},
        {"exceeded the local limit", "mailboxfull"},
        {"mailbox is full", "mailboxfull"},
        {"mailbox has exceeded", "mailboxfull"},
        {"mail box full", "mailboxfull"},
        {"mailbox quota", "mailboxfull"},
        {"mailfolder is full", "mailboxfull"},
        {"inbox is full", "mailboxfull"},
        {"over quota", "mailboxfull"},
        {"overquota", "mailboxfull"},
        {"quota exceeded", "mailboxfull"},
        {"exceeded quota", "mailboxfull"},
        {"exceeds quota", "mailboxfull"},
        {"exceeded storage allocation", "mailboxfull"},
        {"exceeded its storage", "mailboxfull"},
        {"disk quota", "mailboxfull"},
        {"insufficient storage", "mailboxfull"},
        {"out of storage", "mailboxfull"},
        {"not enough storage", "mailboxfull"},
        {"not enough space", "mailboxfull"},
        {"storage space", "mailboxfull"},
        {"account is full", "mailboxfull"},
        {"user is over", "mailboxfull"},
        {"postfach voll", "mailboxfull"},
        {"postfach ist voll", "mailboxfull"},
        {"boîte aux lettres pleine", "mailboxfull"},
        {"boite aux lettres pleine", "mailboxfull"},
        {"buzón lleno", "mailboxfull"},
        {"buzon lleno", "mailboxfull"},
        {"casella piena", "mailboxfull"},
        {"caixa postal cheia", "mailboxfull"},
        {"caixa de correio cheia", "mailboxfull"},
        {"mailbox is vol", "mailboxfull"},
        {"邮箱已满", "mailboxfull"},
        {"邮箱空间不足", "mailboxfull"},
        {"quota full", "mailboxfull"},
        {"full mailbox", "mailboxfull"},
        {"too many messages from", "toomanyconn"},
        {"too many messages", "mailboxfull"},
        {"mailbox exceeds", "mailboxfull"},
        {"quota", "mailboxfull"},

        // --- moved ---
        {"has moved", "hasmoved"},
        {"address has changed", "hasmoved"},
        {"moved permanently", "hasmoved"},
        {"user not local; please try", "hasmoved"},

        // --- qmail's queue gave up (before "temporarily unavailable": the last error) ---
        {"not going to try again", "expired"},

        // --- account disabled / suspended ---
        {"account disabled", "suspend"},
        {"account has been disabled", "suspend"},
        {"mailbox disabled", "suspend"},
        {"mailbox has been disabled", "suspend"},
        {"suspended", "suspend"},
        {"inactive", "suspend"},
        {"deactivated", "suspend"},
        {"not active", "suspend"},
        {"is disabled", "suspend"},
        {"account expired", "suspend"},
        {"account is locked", "suspend"},
        {"frozen", "suspend"},
        {"temporarily unavailable", "suspend"},
        {"mailbox unavailable or access denied", "suspend"},
        {"access denied", "filtered"},

        // --- the receiving domain takes no mail ---
        {"does not accept mail from", "filtered"},
        {"does not accept mail", "notaccept"},
        {"does not accept e-mail", "notaccept"},
        {"not accepting mail", "notaccept"},
        {"accepts no mail", "notaccept"},
        {"null mx", "notaccept"},
        {"indicated no smtp service", "notaccept"},
        {"couldn't find a mail exchanger", "notaccept"},
        {"does not receive mail", "notaccept"},

        // --- the domain does not exist (a temporary lookup failure says nothing yet) ---
        {"host unknown", "hostunknown"},
        {"unknown host", "hostunknown"},
        {"host not found", "hostunknown"},
        {"domain not found", "hostunknown"},
        {"domain does not exist", "hostunknown"},
        {"no such domain", "hostunknown"},
        {"unknown domain", "hostunknown"},
        {"domain name not found", "hostunknown"},
        {"domain is not valid", "hostunknown"},
        {"unrouteable mail domain", "hostunknown"},
        {"unrouteable address", "hostunknown"},               // Exim: no router took the domain
        {"unroutable address", "hostunknown"},
        {"unroutable domain", "hostunknown"},
        {"name or service not known", "hostunknown"},
        {"illegal host/domain", "hostunknown"},
        {"no valid mx", "hostunknown"},
        {"mx record", "hostunknown"},
        {"domain is invalid", "hostunknown"},
        {"invalid domain", "hostunknown"},
        {"domain name is not", "hostunknown"},
        {"no route to domain", "hostunknown"},

        // --- the mailbox does not exist ---
        {"user unknown", "userunknown"},
        {"no valid recipients", "userunknown"},
        {"unknown user", "userunknown"},
        {"no such user", "userunknown"},
        {"user not found", "userunknown"},
        {"user doesn't have", "userunknown"},
        {"user does not have", "userunknown"},
        {"unknown recipient", "userunknown"},
        {"recipient unknown", "userunknown"},
        {"recipient not found", "userunknown"},
        {"no such recipient", "userunknown"},
        {"invalid recipient", "userunknown"},
        {"not a valid recipient", "userunknown"},
        {"recipient rejected", "userunknown"},
        {"bad destination mailbox", "userunknown"},
        {"invalid final delivery userid", "userunknown"},     // IMail
        {"no such mailbox", "userunknown"},
        {"mailbox not found", "userunknown"},
        {"mailbox unavailable", "userunknown"},
        {"no mailbox", "userunknown"},
        {"invalid mailbox", "userunknown"},
        {"unknown mailbox", "userunknown"},
        {"mailbox not available", "userunknown"},
        {"no such address", "userunknown"},
        {"address couldn't be found", "userunknown"},
        {"address could not be found", "userunknown"},
        {"unknown address", "userunknown"},
        {"invalid address", "userunknown"},
        {"address unknown", "userunknown"},
        {"addressee unknown", "userunknown"},
        {"unknown local part", "userunknown"},
        {"unknown local-part", "userunknown"},  // Exim's router: unknown local-part "x" in domain "y"
        {"no such account", "userunknown"},
        {"not a known user", "userunknown"},
        {"no such local user", "userunknown"},
        {"not our customer", "userunknown"},
        {"unknown or illegal alias", "userunknown"},
        {"doesn't exist", "userunknown"},
        {"no longer available", "userunknown"},
        // The same in the languages of older European and Chinese MTAs' notices (UTF-8,
        // as the parser decodes every part; ASCII letters match in any case).
        {"benutzer unbekannt", "userunknown"},
        {"unbekannter benutzer", "userunknown"},
        {"empfänger unbekannt", "userunknown"},
        {"utilisateur inconnu", "userunknown"},
        {"destinataire inconnu", "userunknown"},
        {"usuario desconocido", "userunknown"},
        {"destinatario desconocido", "userunknown"},
        {"utente sconosciuto", "userunknown"},
        {"utente inesistente", "userunknown"},
        {"usuário desconhecido", "userunknown"},
        {"destinatário desconhecido", "userunknown"},
        {"onbekende gebruiker", "userunknown"},
        {"用户不存在", "userunknown"},
        {"邮箱不存在", "userunknown"},
        {"收件人不存在", "userunknown"},
        {"帐号不存在", "userunknown"},
        {"账号不存在", "userunknown"},
        {"no longer valid", "userunknown"},
        {"mailbox is unavailable", "userunknown"},
        {"unknown in ", "userunknown"},
        {"invalid-recipient", "userunknown"},
        {"no account", "userunknown"},
        {"does not have an account", "userunknown"},
        {"undeliverable address", "userunknown"},
        {"bad address", "userunknown"},
        {"not exist", "userunknown"},

        // --- filtered by the recipient ---
        {"filtered", "filtered"},
        {"recipient preferences", "filtered"},
        {"content filter", "filtered"},
        {"refuses to accept", "filtered"},
        {"not authorized to", "filtered"},
        {"not authorised to", "filtered"},
        {"delivery not authorized", "securityerror"},
        {"permission denied", "filtered"},
        {"message rejected by recipient", "filtered"},
        {"recipient has rejected", "filtered"},
        {"badrcptto", "filtered"},   // qmail's list of recipients it refuses
        // A mailing list refusing our post (Mailman, ezmlm, Sympa): the list is no dead address.
        {"non-member", "filtered"},
        {"members-only", "filtered"},
        {"not from a list member", "filtered"},
        {"only subscribers may post", "filtered"},

        // --- policy ---
        {"violates", "policyviolation"},
        {"violation", "policyviolation"},
        {"prohibited", "policyviolation"},
        {"not permitted", "policyviolation"},
        {"policy", "policyviolation"},

        // --- rate limits ---
        {"too many recipients", "toomanyconn"},
        {"too many smtp", "toomanyconn"},
        {"too many errors", "toomanyconn"},

        // --- the message itself is malformed ---
        {"header error", "policyviolation"},
        {"invalid header", "contenterror"},
        {"message header", "contenterror"},
        {"illegal attachment", "policyviolation"},
        {"mime", "contenterror"},
        {"8-bit", "contenterror"},
        {"8bit", "contenterror"},
        {"content error", "contenterror"},

        // --- the session ---
        {"syntax error", "syntaxerror"},
        {"not implemented", "syntaxerror"},
        {"command unrecognized", "syntaxerror"},
        {"command not recognized", "syntaxerror"},
        {"unrecognized command", "syntaxerror"},

        // --- expiry (the queue gave up) ---
        {"retry timeout exceeded", "expired"},
        {"giving up", "expired"},
        {"aborted after * hours", "expired"},
        {"retry time not reached", "expired"},
        {"queue lifetime", "expired"},
        {"too long in queue", "expired"},
        {"could not be delivered for", "expired"},
        {"was not delivered within", "expired"},
        {"has been delayed", "expired"},
        {"message timed out", "expired"},
        {"have been failing for a long time", "expired"},
        {"exceeded the maximum time", "expired"},
        {"expired", "expired"},

        // --- the network ---
        {"loops back to myself", "networkerror"},
        {"mail loop", "networkerror"},
        {"routing loop", "networkerror"},
        {"loop detected", "networkerror"},
        {"too many hops", "networkerror"},
        {"hop count exceeded", "networkerror"},
        {"connection refused", "networkerror"},
        {"connection reset", "networkerror"},
        {"network is unreachable", "networkerror"},
        {"no route to host", "networkerror"},
        {"host unreachable", "networkerror"},
        {"could not connect", "networkerror"},
        {"unable to connect", "networkerror"},
        {"connect to", "networkerror"},
        {"lost connection", "networkerror"},
        {"conversation with", "networkerror"},
        {"timed out", "networkerror"},
        {"timeout", "networkerror"},
        {"dns lookup", "networkerror"},
        {"temporary lookup failure", "networkerror"},

        // --- the receiving system ---
        {"mailer error", "mailererror"},
        {"pipe to |", "mailererror"},
        {"command died", "mailererror"},
        {"command failed", "mailererror"},
        {"procmail", "mailererror"},
        {"x-unix", "mailererror"},
        {"exit code", "mailererror"},
        {"insufficient system storage", "systemfull"},
        {"disk full", "systemfull"},
        {"no space left", "systemfull"},
        {"system error", "systemerror"},
        {"transaction failed", "systemerror"},
        {"internal error", "systemerror"},
        {"server error", "systemerror"},
        {"local error", "systemerror"},
        {"configuration error", "systemerror"},
        {"temporary failure", "systemerror"},
        {"system failure", "systemerror"},
        {"out of memory", "systemerror"},
        {"i/o error", "systemerror"},
        {"service unavailable", "systemerror"},
        {"service currently unavailable", "systemerror"},
        {"system is busy", "systemerror"},
        {"mail system is not available", "systemerror"},
    };
    return rules;
}

const std::vector<StageRule>& stageRules()
{
    static const std::vector<StageRule> rules = {
        // A carrier's reception filter answers "unknown user" to a sender it refuses.
        {"DATA", {"userunknown"}, "filtered", "5.1.1", true},
        {"MAIL", {"userunknown", "filtered", "undefined", "hostunknown"}, "rejected"},
        // Before any recipient is named, a refusal cannot be about a mailbox.
        {"CONN", {"mailboxfull", "userunknown", "filtered", "suspend", "undefined"}, "blocked"},
        {"HELO", {"mailboxfull", "userunknown", "filtered", "undefined"}, "blocked"},
    };
    return rules;
}

const std::vector<std::string_view>& mobileCarrierDomains()
{
    // Japanese carriers' filters (docomo's receiving hosts are mfsmax.*); the policy
    // calls their user-unknown answers after DATA ambiguous.
    static const std::vector<std::string_view> domains = {
        "docomo.ne.jp", "ezweb.ne.jp",   "au.com",    "softbank.ne.jp", "i.softbank.jp", "vodafone.ne.jp",
        "disney.ne.jp", "ymobile.ne.jp", "mineo.jp",  "willcom.com",    "pdx.ne.jp",     "mfsmax.",
    };
    return domains;
}

const std::vector<CodeRule>& statusRules()
{
    static const std::vector<CodeRule> rules = {
        // Generic codes say nothing of a reason: the words, or the reply code, decide.
        {"5.3.0", ""},
        {"5.5.0", ""},
        {"4.3.0", ""},
        {"5.1.0", "userunknown"},
        {"5.1.1", "userunknown"},
        {"5.1.2", "hostunknown"},
        {"5.1.3", "userunknown"},
        {"5.1.4", "userunknown"},
        {"5.1.6", "hasmoved"},
        {"5.1.7", "rejected"},
        {"5.1.8", "rejected"},
        {"5.1.10", "notaccept"},
        {"5.2.0", "filtered"},
        {"5.2.1", "suspend"},
        {"5.2.2", "mailboxfull"},
        {"5.2.3", "exceedlimit"},
        {"5.2.4", "systemerror"},
        {"5.3.1", "systemfull"},
        {"5.3.2", "notaccept"},
        {"5.3.4", "mesgtoobig"},
        {"5.3.", "systemerror"},
        {"5.4.4", "hostunknown"},
        {"5.4.6", "networkerror"},
        {"5.4.7", "expired"},
        {"5.4.", "networkerror"},
        {"5.5.", "syntaxerror"},
        {"5.6.", "contenterror"},
        {"5.7.1", "blocked"},
        {"5.7.3", "securityerror"},   // RFC 3463: security conversion, features, crypto
        {"5.7.4", "securityerror"},
        {"5.7.5", "securityerror"},
        {"5.7.6", "securityerror"},
        {"5.7.7", "securityerror"},
        {"5.7.8", "securityerror"},
        {"5.7.9", "securityerror"},   // authentication mechanism too weak
        {"5.7.13", "suspend"},
        {"5.7.18", "norelaying"},
        {"5.7.20", "authfailure"},
        {"5.7.21", "authfailure"},
        {"5.7.22", "authfailure"},
        {"5.7.23", "authfailure"},
        {"5.7.24", "authfailure"},
        {"5.7.25", "requireptr"},
        {"5.7.26", "authfailure"},
        {"5.7.27", "notaccept"},
        {"5.7.509", "authfailure"},
        {"5.7.606", "blocked"},
        {"5.7.", "blocked"},
        {"4.1.1", "userunknown"},
        {"4.1.2", "hostunknown"},
        {"4.2.1", "suspend"},
        {"4.2.2", "mailboxfull"},
        {"4.2.", "mailboxfull"},
        {"4.3.1", "systemfull"},
        {"4.3.2", "toomanyconn"},
        {"4.3.", "systemerror"},
        {"4.4.7", "expired"},
        {"4.4.1", "networkerror"},
        {"4.4.", "networkerror"},
        {"4.7.25", "requireptr"},
        {"4.7.", "blocked"},
    };
    return rules;
}

const std::vector<CodeRule>& decisiveStatusRules()
{
    static const std::vector<CodeRule> rules = {
        {"5.1.6", "hasmoved"},
        {"5.2.3", "exceedlimit"},
        {"5.3.2", "notaccept"},
        {"5.7.13", "suspend"},
        {"5.7.25", "requireptr"},
        {"5.7.26", "authfailure"},
        {"5.7.509", "authfailure"},
    };
    return rules;
}

const std::vector<CodeRule>& replyCodeRules()
{
    static const std::vector<CodeRule> rules = {
        {"421", "toomanyconn"},
        {"500", "syntaxerror"},
        {"501", "syntaxerror"},
        {"502", "syntaxerror"},
        {"503", "syntaxerror"},
        {"504", "syntaxerror"},
        {"450", "systemerror"},
        {"451", "systemerror"},
        {"452", "mailboxfull"},
        {"550", "userunknown"},
        {"551", "hasmoved"},
        {"552", "mailboxfull"},
        {"553", "userunknown"},
        {"554", "policyviolation"},
        {"556", "notaccept"},
    };
    return rules;
}

const std::vector<std::string_view>& reasonsOverridingUnknownMailbox()
{
    static const std::vector<std::string_view> reasons = {
        "blocked",  "mailboxfull", "hasmoved",   "rejected",      "notaccept", "norelaying",
        "hostunknown", "spamdetected", "badreputation", "requireptr", "authfailure", "toomanyconn",
        "filtered", "policyviolation", "securityerror", "virusdetected", "expired", "speeding",
    };
    return reasons;
}

const std::vector<std::string_view>& hardReasons()
{
    static const std::vector<std::string_view> reasons = {"userunknown", "hostunknown", "hasmoved", "notaccept", "suppressed"};
    return reasons;
}

const std::vector<std::string_view>& blockReasons()
{
    static const std::vector<std::string_view> reasons = {
        "blocked",     "spamdetected", "policyviolation", "badreputation",  "requireptr",
        "authfailure", "securityerror", "virusdetected",  "contenterror",   "norelaying",
        "rejected",    "notcompliantrfc", "failedstarttls",
    };
    return reasons;
}

} // namespace verpmail::bounce
