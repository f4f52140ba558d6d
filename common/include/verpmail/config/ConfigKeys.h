// ConfigKeys: every configuration key verpmail reads, with its default, in one place.
//
// Keys are dotted and lower-camel, grouped by owner. The properties file is found
// through --config FILE, else $VERPMAIL_CONFIG, else /etc/verpmail/verpmail.properties;
// --define key=value overrides any key. Secrets never live here: database
// credentials are in a 0600 MySQL option file (mysql.optionFile), the VERP key in
// a 0600 key file (verp.keyFile), the unsubscribe tokens' key in another
// (unsubscribe.keyFile): one key per purpose.
#pragma once

namespace verpmail::keys {

struct Key
{
    const char* name;
    const char* defaultValue;  ///< nullptr: required, no default
    const char* help;
};

// clang-format off
inline constexpr Key kMysqlOptionFile   {"mysql.optionFile",    "/etc/verpmail/my.cnf", "MySQL option file (mode 0600) with host, port/socket, user, password, database"};
inline constexpr Key kMysqlOptionGroup  {"mysql.optionGroup",   "verpmail",             "group read from mysql.optionFile"};
inline constexpr Key kMysqlConnectTimeout{"mysql.connectTimeout","5",                   "seconds to wait for a connection"};
inline constexpr Key kMysqlReadTimeout  {"mysql.readTimeout",   "10",                   "seconds to wait for a server reply"};
inline constexpr Key kMysqlWriteTimeout {"mysql.writeTimeout",  "10",                   "seconds to wait for a write to the server"};

inline constexpr Key kVerpMode          {"verp.mode",           "token",                "token (keyed hash, unforgeable) or plain (readable user=domain)"};
inline constexpr Key kVerpPrefix        {"verp.prefix",         "sentto",               "local part prefix before the '-'"};
inline constexpr Key kVerpDomain        {"verp.domain",         nullptr,                "bounce domain routed to the verpmail pipe transport"};
inline constexpr Key kVerpKeyFile       {"verp.keyFile",        "/etc/verpmail/verp.key","secret key for token mode (mode 0600, >= 16 bytes)"};
inline constexpr Key kVerpPreviousKeyFile{"verp.previousKeyFile","",                    "the key before the last rotation (mode 0600): returns to its tokens are still attributed (empty: none)"};
inline constexpr Key kVerpPreviousKeyDays{"verp.previousKeyDays","30",                   "days after an address is first mailed under the new key that its previous token still counts"};
inline constexpr Key kVerpKeyBackupFile {"verp.keyBackupFile",  "",                     "a copy of verp.keyFile kept elsewhere; verpmail-admin check says whether it matches (empty: not checked)"};

inline constexpr Key kSmtpServer        {"smtp.server",         "127.0.0.1:25",         "host:port of the Postfix smtpd that takes the list mail"};
inline constexpr Key kSmtpHelo          {"smtp.helo",           "",                     "EHLO name (default: the host name)"};
inline constexpr Key kSmtpBatchSize     {"smtp.batchSize",      "25",                   "messages claimed, marked submitting and settled together; also the most a killed run can leave uncertain per connection"};
inline constexpr Key kSmtpMessagesPerSession{"smtp.messagesPerSession","250",           "a session takes batch after batch until it has carried this many messages, then ends (1: one batch per session)"};
inline constexpr Key kSmtpTimeout       {"smtp.timeout",        "60",                   "seconds to wait for any SMTP reply"};
inline constexpr Key kSmtpConnections   {"smtp.connections",    "8",                    "SMTP sessions in parallel (one thread each)"};
inline constexpr Key kSmtpStarttls      {"smtp.starttls",       "no",                   "no, enabled (if offered) or required"};
inline constexpr Key kSmtpTlsCaFile    {"smtp.tlsCaFile",      "",                     "CA certificates (PEM) to verify the server with (default: the system's)"};
inline constexpr Key kSmtpTlsVerify    {"smtp.tlsVerify",      "yes",                  "verify the server's certificate and host name (yes/no)"};
inline constexpr Key kSmtpAuthFile      {"smtp.authFile",       "",                     "file (mode 0600) with 'username = ...' and 'password = ...' for SMTP AUTH; needs smtp.starttls = required unless smtp.server is on loopback"};

inline constexpr Key kSendUnsubscribeUrl{"send.unsubscribeUrl", "",                     "https unsubscribe URL (verpmail-web: https://HOST/unsubscribe/{list}/{token}); {list}, {address} and {token} (the membership's unsubscribe token) are replaced"};
inline constexpr Key kSendUnsubscribeMailto{"send.unsubscribeMailto","",                "mailto unsubscribe address; {list}, {address} and {token} (the membership's unsubscribe token) are replaced"};
inline constexpr Key kSendListIdDomain  {"send.listIdDomain",   "",                     "domain part of List-Id (default: verp.domain)"};
inline constexpr Key kSendFeedbackId    {"send.feedbackIdSender","verpmail",            "sender tag in Feedback-ID (campaign:list:verpmail:TAG)"};
// Durations take Postfix's time units: s, m, h, d, w (a bare number is seconds).
inline constexpr Key kSendMinimalBackoff{"send.minimalBackoff", "300s",                 "wait before the first retry of a member answered 4xx; doubles per retry"};
inline constexpr Key kSendMaximalBackoff{"send.maximalBackoff", "4000s",                "longest wait between two retries of a member"};
inline constexpr Key kSendQueueLifetime {"send.queueLifetime",  "5d",                   "how long a member answered 4xx is retried before it is reported deferred"};
inline constexpr Key kSendLeaseTime     {"send.leaseTime",      "60s",                  "a claim not renewed for this long is taken over by any sender (its claimer is dead)"};

// The policy: policy.rules names the rules in order; each rule NAME has
// policy.NAME.match ("class:hard", "class:soft reason:mailboxfull", "reason:x"),
// .threshold, .windowDays (0 = since the last reset) and .action (suppress,
// quarantine, unsubscribe). The three default rules need no keys; setting
// e.g. policy.soft.threshold changes just that value.
inline constexpr Key kPolicyRules       {"policy.rules",        "hard, soft, complaint", "rule names, evaluated in order; the first that fires decides"};
inline constexpr Key kPolicyHardThreshold{"policy.hard.threshold","1",                  "hard bounces (dead address) that suppress"};
inline constexpr Key kPolicySoftThreshold{"policy.soft.threshold","3",                  "soft bounces within policy.soft.windowDays that quarantine"};
inline constexpr Key kPolicySoftWindowDays{"policy.soft.windowDays","30",               "window for soft bounces, in days"};
inline constexpr Key kPolicyComplaintThreshold{"policy.complaint.threshold","1",        "complaints that unsubscribe and suppress"};
inline constexpr Key kPolicyQuarantineDays{"policy.quarantine.days","7",                "days a quarantined address is not mailed; then one retry"};
inline constexpr Key kPolicySoftResetStreak{"policy.softResetStreak","5",               "accepted messages in a row that start the soft count afresh (0: never)"};
// A domain incident needs all of members, share and reportingHosts; reasons about one
// mailbox (full, unknown, ...) never count (Policy.h, isPerMailboxReason).
inline constexpr Key kPolicyIncidentMembers{"policy.incident.members","10",             "at least this many members at one domain failing with the same block/soft reason about the provider open an incident"};
inline constexpr Key kPolicyIncidentShare{"policy.incident.share","0.2",                "... being at least this share (0-1) of the members mailed (accepted) at the domain in the window"};
inline constexpr Key kPolicyIncidentReportingHosts{"policy.incident.reportingHosts","2", "... reported by at least this many distinct hosts (the DSN's Remote-MTA)"};
inline constexpr Key kPolicyIncidentWindow{"policy.incident.windowMinutes","60",        "... within this many minutes"};
inline constexpr Key kPolicyIncidentClose{"policy.incident.closeAfterMinutes","1440",   "an incident without new returns for this long is over"};
inline constexpr Key kPolicyIncidentPause{"policy.incident.pauseSending","true",        "hold back mail to a domain while it has an open incident"};
inline constexpr Key kPolicyIncidentMaxPause{"policy.incident.maxPauseMinutes","240",    "... but for at most this many minutes after it opened"};

inline constexpr Key kBouncerMaxMessageBytes{"bouncer.maxMessageBytes","10485760",      "bytes of a return kept at most (pipe, LMTP, mailbox); the rest is read and dropped"};
inline constexpr Key kBouncerTimeLimit  {"bouncer.timeLimit",   "60",                   "pipe mode: seconds before the bouncer gives up with exit 75 (keep below Postfix's time limit)"};
inline constexpr Key kBouncerAcceptLocalParts{"bouncer.acceptLocalParts","",           "local parts at the bounce domain taken besides VERP addresses (comma-separated, e.g. a feedback-loop address or bounces); their returns name a member through the returned original, or with bouncer.attribution = content"};
inline constexpr Key kBouncerAttribution{"bouncer.attribution","verp",                 "verp (only VERP addresses name a member) or content: a bounce to a plain address (acceptLocalParts) is attributed to the members it names as failed; forgeable"};
inline constexpr Key kBouncerUnsubscribeLocalPart{"bouncer.unsubscribeLocalPart","unsubscribe", "mail to LOCALPART+TOKEN@verp.domain (send.unsubscribeMailto = unsubscribe+{token}@verp.domain) is a member's opt-out, checked against unsubscribe.keyFile; empty: off"};
inline constexpr Key kBouncerLmtpListen {"bouncer.lmtp.listen", "unix:/run/verpmail/lmtp.sock", "--lmtp: where the LMTP server listens, comma-separated unix:PATH or inet:HOST:PORT"};
inline constexpr Key kBouncerLmtpSocketMode{"bouncer.lmtp.socketMode","0666",           "--lmtp: mode of its unix sockets (guard them with the directory's mode: 0750, group postfix)"};
inline constexpr Key kBouncerLmtpSocketGroup{"bouncer.lmtp.socketGroup","",             "--lmtp: group of its unix sockets (e.g. postfix, with socketMode 0660); empty: the process's"};
inline constexpr Key kBouncerLmtpThreads{"bouncer.lmtp.threads","10",                   "--lmtp: connections served at once, each with its own database connection; Postfix's verpmail-lmtp_destination_concurrency_limit must not be higher"};
inline constexpr Key kBouncerLmtpIdleTimeout{"bouncer.lmtp.idleTimeout","300",          "--lmtp: seconds a client may stay silent before the connection is closed"};
inline constexpr Key kBouncerPolicyListen{"bouncer.policy.listen","inet:127.0.0.1:10029", "--lmtp: where the Postfix policy service listens (unix:PATH or inet:HOST:PORT; empty: none)"};
inline constexpr Key kBouncerPolicyThreads{"bouncer.policy.threads","100",              "--lmtp: policy connections served at once (each smtpd process keeps one open)"};
inline constexpr Key kBouncerPolicyIdleTimeout{"bouncer.policy.idleTimeout","60",        "--lmtp: seconds an idle policy connection is kept"};
inline constexpr Key kBouncerMysqlOptionFile{"bouncer.mysql.optionFile","",            "MySQL option file (mode 0600) with the bouncer's own account (verpmail-admin db accounts); empty: mysql.optionFile"};
inline constexpr Key kBouncerMaxUnattributedBytes{"bouncer.maxUnattributedBytes","65536","bytes of an unattributed return's raw message stored at most"};
inline constexpr Key kBouncerUser       {"bouncer.user",        "",                     "the account verpmail-bouncer runs as, whose reads verpmail-admin check tests (empty: master.cf's pipe user=, or the owner of the LMTP socket)"};
inline constexpr Key kBouncerImapUrl    {"bouncer.imap.url",    "",                     "--imap: the mailbox, imaps://HOST[:PORT]/MAILBOX (or imap:// with STARTTLS)"};
inline constexpr Key kBouncerImapUser   {"bouncer.imap.user",   "",                     "--imap: the IMAP login"};
inline constexpr Key kBouncerImapPasswordFile{"bouncer.imap.passwordFile","",           "--imap: file (mode 0600) whose first line is the IMAP password"};
inline constexpr Key kBouncerImapCaFile {"bouncer.imap.caFile",  "",                     "--imap: CA certificates to verify the server with; empty: the system's"};
inline constexpr Key kBouncerImapTls    {"bouncer.imap.tls",     "required",             "--imap: required (imaps://, or STARTTLS for imap://) or none (imap:// to a loopback address only)"};
inline constexpr Key kBouncerImapAfter  {"bouncer.imap.after",   "flag",                 "--imap: what happens to a recorded message: flag (bouncer.imap.flag and \\Seen) or move (to bouncer.imap.moveTo)"};
inline constexpr Key kBouncerImapFlag   {"bouncer.imap.flag",    "$VerpmailRecorded",    "--imap: the keyword a recorded message gets; messages with it are not read again"};
inline constexpr Key kBouncerImapMoveTo {"bouncer.imap.moveTo",  "",                     "--imap: the mailbox recorded messages are moved to (after = move)"};
inline constexpr Key kPostfixConfigDirectory{"postfix.configDirectory","/etc/postfix",  "Postfix configuration directory verpmail-admin check reads through postconf"};
inline constexpr Key kUnsubscribeKeyFile{"unsubscribe.keyFile",  "/etc/verpmail/unsubscribe.key", "secret key of the List-Unsubscribe tokens (mode 0600, >= 16 bytes): verpmail-send reads it when send.unsubscribeUrl or send.unsubscribeMailto uses {token}, verpmail-web always, verpmail-bouncer when bouncer.unsubscribeLocalPart is set"};
inline constexpr Key kWebListen         {"web.listen",           "127.0.0.1:8025",       "verpmail-web: the address:port it listens on"};
inline constexpr Key kWebTlsCertificateFile{"web.tls.certificateFile","",                "verpmail-web: PEM certificate chain for HTTPS (empty: plain HTTP behind a reverse proxy)"};
inline constexpr Key kWebTlsKeyFile     {"web.tls.keyFile",      "",                     "verpmail-web: PEM private key of web.tls.certificateFile (mode 0600)"};
inline constexpr Key kWebThreads        {"web.threads",          "8",                    "verpmail-web: requests served at once"};
inline constexpr Key kWebQueue          {"web.queue",            "64",                   "verpmail-web: accepted connections waiting for a thread; more are refused"};
inline constexpr Key kWebTimeout        {"web.timeout",          "30s",                  "verpmail-web: time a client has to send a request, and idle time on a kept-alive connection"};
inline constexpr Key kWebMaxBodyBytes   {"web.maxBodyBytes",     "65536",                "verpmail-web: larger request bodies are refused (413)"};
inline constexpr Key kWebRateLimit      {"web.rateLimit",        "60",                   "verpmail-web: requests per minute one client address (an IPv6 /64) may make to the public endpoints (429 beyond; 0: no limit)"};
inline constexpr Key kWebApiRateLimit   {"web.api.rateLimit",    "600",                  "verpmail-web: requests per minute one client address (an IPv6 /64) may make to the JSON API, health aside (429 beyond; 0: no limit)"};
inline constexpr Key kWebTrustedProxies {"web.trustedProxies",   "",                     "verpmail-web: comma-separated proxy addresses whose X-Forwarded-For names the client (empty: none)"};
inline constexpr Key kWebMysqlOptionFile{"web.mysql.optionFile", "",                     "verpmail-web: MySQL option file of its own account (empty: mysql.optionFile)"};
inline constexpr Key kWebSnsTopicArns   {"web.sns.topicArns",    "",                     "verpmail-web: comma-separated SNS topic ARNs whose signed SES notifications POST /webhooks/sns records (empty: the webhook is off, 404)"};
inline constexpr Key kWebSnsCertHostPattern{"web.sns.certHostPattern","^sns[.][a-z0-9-]+[.]amazonaws[.]com([.]cn)?$", "verpmail-web: regular expression the host of SigningCertURL and SubscribeURL must match (host:port when the URL names a port other than 443)"};
inline constexpr Key kWebSnsCaFile      {"web.sns.caFile",       "",                     "verpmail-web: CA certificates (PEM file or directory) that verify the SNS certificate and subscription hosts over HTTPS; empty: the system's"};
inline constexpr Key kWebSnsMaxBodyBytes{"web.sns.maxBodyBytes", "524288",               "verpmail-web: larger SNS deliveries to /webhooks/sns are refused (413)"};
// clang-format on

inline constexpr const Key* kAll[] = {
    &kMysqlOptionFile, &kMysqlOptionGroup, &kMysqlConnectTimeout, &kMysqlReadTimeout, &kMysqlWriteTimeout,
    &kVerpMode, &kVerpPrefix, &kVerpDomain, &kVerpKeyFile, &kVerpPreviousKeyFile, &kVerpPreviousKeyDays, &kVerpKeyBackupFile,
    &kSmtpServer, &kSmtpHelo, &kSmtpBatchSize, &kSmtpMessagesPerSession, &kSmtpTimeout, &kSmtpConnections,
    &kSmtpStarttls, &kSmtpTlsCaFile, &kSmtpTlsVerify, &kSmtpAuthFile,
    &kSendUnsubscribeUrl, &kSendUnsubscribeMailto, &kSendListIdDomain, &kSendFeedbackId,
    &kSendMinimalBackoff, &kSendMaximalBackoff, &kSendQueueLifetime, &kSendLeaseTime,
    &kPolicyRules, &kPolicyHardThreshold, &kPolicySoftThreshold, &kPolicySoftWindowDays, &kPolicyComplaintThreshold,
    &kPolicyQuarantineDays, &kPolicySoftResetStreak, &kPolicyIncidentMembers, &kPolicyIncidentWindow,
    &kPolicyIncidentClose, &kPolicyIncidentPause, &kPolicyIncidentShare, &kPolicyIncidentReportingHosts,
    &kPolicyIncidentMaxPause,
    &kBouncerMaxMessageBytes, &kBouncerTimeLimit, &kBouncerAcceptLocalParts, &kBouncerAttribution, &kBouncerUnsubscribeLocalPart, &kBouncerLmtpListen, &kBouncerLmtpSocketMode, &kBouncerLmtpSocketGroup, &kBouncerLmtpThreads,
    &kBouncerLmtpIdleTimeout, &kBouncerPolicyListen, &kBouncerPolicyThreads, &kBouncerPolicyIdleTimeout,
    &kBouncerMysqlOptionFile, &kBouncerMaxUnattributedBytes, &kBouncerUser,
    &kBouncerImapUrl, &kBouncerImapUser, &kBouncerImapPasswordFile, &kBouncerImapCaFile, &kBouncerImapTls,
    &kBouncerImapAfter, &kBouncerImapFlag, &kBouncerImapMoveTo, &kPostfixConfigDirectory,
    &kUnsubscribeKeyFile, &kWebListen, &kWebTlsCertificateFile, &kWebTlsKeyFile, &kWebThreads, &kWebQueue,
    &kWebTimeout, &kWebMaxBodyBytes, &kWebRateLimit, &kWebApiRateLimit, &kWebTrustedProxies, &kWebMysqlOptionFile,
    &kWebSnsTopicArns, &kWebSnsCertHostPattern, &kWebSnsCaFile, &kWebSnsMaxBodyBytes,
};

} // namespace verpmail::keys
