// BounceClassifierTest: reasons and classes from codes and text (rules as data).
#include "verpmail/bounce/BounceClassifier.h"

#include "verpmail/bounce/ClassifierRules.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

using namespace verpmail;

TEST(BounceClassifier, ClassifiesResults)
{
    struct Row
    {
        const char* action;
        const char* status;
        const char* diagnostic;
        const char* wantReason;
        BounceClass wantClass;
    };
    const Row rows[] = {
        {"failed", "5.1.1", "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown", "userunknown", BounceClass::Hard},
        {"failed", "5.2.2", "552 5.2.2 Mailbox full", "mailboxfull", BounceClass::Soft},
        {"failed", "5.7.1", "550 5.7.1 Message rejected as spam", "spamdetected", BounceClass::Block},
        {"failed", "5.1.2", "Host or domain name not found", "hostunknown", BounceClass::Hard},
        {"failed", "5.7.1", "554 5.7.1 <x@y.example>: Relay access denied", "norelaying", BounceClass::Block},
        {"failed", "5.7.1", "550 5.7.1 Client host rejected: listed in zen.spamhaus.org", "blocked", BounceClass::Block},
        {"failed", "5.7.26", "550 5.7.26 Unauthenticated email is not accepted due to DMARC policy", "authfailure", BounceClass::Block},
        {"failed", "4.2.1", "", "suspend", BounceClass::Soft},   // Postfix with queue lifetime 0
        {"failed", "4.4.7", "delivery time expired", "expired", BounceClass::Soft},
        // A final failure with a 4.x.x status is judged by its words: a DNS answer that
        // the domain does not exist (NXDOMAIN) or takes no mail (RFC 7505 null MX) is
        // final; a lookup that failed and was given up on expired; a delay has not failed.
        {"failed", "4.0.0", "DNS Error: 1 DNS type 'mx' lookup of a.example responded with code NXDOMAIN Domain name not found: a.example",
         "hostunknown", BounceClass::Hard},
        {"failed", "4.0.0", "DNS Error: 2 DNS type 'mx' lookup of a.example responded with code NOERROR The domain a.example doesn't receive email according to the administrator: returned Null MX",
         "notaccept", BounceClass::Hard},
        {"failed", "4.4.3", "Host or domain name not found. Name service error for name=a.example type=MX: Host not found, try again",
         "expired", BounceClass::Soft},
        {"failed", "4.4.3", "lookup of a.example responded with code NXDOMAIN, try again later", "expired", BounceClass::Soft},
        {"failed", "4.3.0", "421 a.example does not accept mail", "notaccept", BounceClass::Soft},
        // Sendmail's give-up after a lookup that kept failing: no word that the domain is gone.
        {"failed", "", "<a@b.example>... Deferred: Name server: b.example.: host name lookup failure "
                       "Message could not be delivered for 5 days", "expired", BounceClass::Soft},
        {"delayed", "4.0.0", "DNS Error: lookup of a.example responded with code NXDOMAIN Domain name not found", "networkerror",
         BounceClass::None},
        {"delayed", "4.4.1", "connect to mx.example.org: Connection timed out", "expired", BounceClass::None},
        {"delivered", "2.0.0", "250 ok", "delivered", BounceClass::None},
        {"relayed", "", "", "delivered", BounceClass::None},
        {"failed", "", "", "undefined", BounceClass::Soft},
        // Whatever the stage: words that say the user does not exist are dead.
        {"failed", "5.0.0", "550 Unknown user (in reply to end of DATA command)", "userunknown", BounceClass::Hard},
        {"failed", "5.0.0", "550 Access denied (in reply to MAIL FROM command)", "rejected", BounceClass::Block},
        // The same words: Office 365's unknown user (5.4.1, 5.1.10), a Postfix access-map refusal (5.7.1).
        {"failed", "5.4.1", "550 5.4.1 <a@b.example>: Recipient address rejected: Access denied", "userunknown",
         BounceClass::Hard},
        {"failed", "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient address rejected: Access denied",
         "userunknown", BounceClass::Hard},
        {"failed", "5.7.1", "554 5.7.1 <a@b.example>: Recipient address rejected: Access denied (in reply to RCPT TO command)",
         "blocked", BounceClass::Block},
        // A subject-specific code gives its default only when the words say nothing else.
        {"failed", "5.2.1", "550 5.2.1 <a@b.example>... User Unknown", "userunknown", BounceClass::Hard},
        {"failed", "5.2.1", "550 5.2.1 <a@b.example>... Mailbox disabled", "suspend", BounceClass::Soft},
        {"failed", "", "550 The account or domain may not exist, they may be blacklisted", "onhold", BounceClass::Soft},
        // Before any recipient is named, nothing is about a mailbox.
        {"failed", "", "SMTP error after initial connection: 554 you've reached your daily relay quota", "blocked", BounceClass::Block},
        // Text that decides nothing is "onhold"; no text at all is "undefined".
        {"failed", "", "Unable to deliver message", "onhold", BounceClass::Soft},
        {"failed", "5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", "blocked", BounceClass::Block},
        {"failed", "5.7.9", "550 5.7.9 Rejected", "securityerror", BounceClass::Block},
        {"failed", "4.7.0", "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints", "badreputation", BounceClass::Block},
        {"failed", "", "550 Ip frequency limited", "toomanyconn", BounceClass::Soft},
        {"failed", "5.5.0", "550 5.5.0 The recipient account is blocked", "suspend", BounceClass::Soft},
        {"failed", "", "Remote host said: 550 <a@b.example>... Access denied. Connected to 192.0.2.1 but sender was rejected.", "rejected", BounceClass::Block},
        {"failed", "", "500 Remote server does not support TLS", "failedstarttls", BounceClass::Block},
        {"failed", "", "Unrouteable address", "hostunknown", BounceClass::Hard},
        // Wording is matched in any case and spacing, a one-word gap ("host * not found") too.
        {"failed", "", "Host mx.example.org NOT Found", "hostunknown", BounceClass::Hard},
        {"failed", "", "  Host\tmx.example.org\n  not  found ", "hostunknown", BounceClass::Hard},
        {"failed", "", "Host mx.example.org found", "onhold", BounceClass::Soft},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(std::string(row.status) + " " + row.diagnostic);
        RecipientResult r;
        r.action = row.action;
        r.status = row.status;
        r.diagnostic = row.diagnostic;
        const Classification got = classify(ReturnKind::Bounce, r);
        EXPECT_EQ(got.reason, row.wantReason);
        EXPECT_EQ(got.bounceClass, row.wantClass) << toString(got.bounceClass);
    }
}

TEST(BounceClassifier, KindDecidesForComplaintsAndReplies)
{
    RecipientResult r;
    r.diagnostic = "User unknown";
    EXPECT_EQ(classify(ReturnKind::Complaint, r).bounceClass, BounceClass::Complaint);
    EXPECT_EQ(classify(ReturnKind::AutoReply, r).bounceClass, BounceClass::AutoReply);
}

TEST(BounceClassifier, ClassOfReason)
{
    EXPECT_EQ(classOfReason("userunknown", "5.1.1"), BounceClass::Hard);
    EXPECT_EQ(classOfReason("notaccept", "5.1.10"), BounceClass::Hard);
    EXPECT_EQ(classOfReason("notaccept", "4.3.2"), BounceClass::Soft);
    EXPECT_EQ(classOfReason("policyviolation", "5.7.1"), BounceClass::Block);
    EXPECT_EQ(classOfReason("mailboxfull", "5.2.2"), BounceClass::Soft);
    EXPECT_EQ(classOfReason("", ""), BounceClass::None);
}

TEST(BounceClassifier, ASettledCommandIsNotSearchedForAgain)
{
    // The parser has looked for the SMTP stage already (and found none): classify
    // takes that, instead of searching the same diagnostic again. Unsettled, the
    // stage in the text still counts.
    RecipientResult result;
    result.action = "failed";
    result.status = "5.0.0";
    result.diagnostic = "550 Access denied (in reply to MAIL FROM command)";
    EXPECT_EQ(classify(ReturnKind::Bounce, result).reason, "rejected");
    result.smtpCommandSettled = true;
    EXPECT_NE(classify(ReturnKind::Bounce, result).reason, "rejected");
    result.smtpCommand = "MAIL";
    EXPECT_EQ(classify(ReturnKind::Bounce, result).reason, "rejected");
}

TEST(BounceClassifier, CodesMatchWholeOrByTheirPrefix)
{
    // A rule's code matches a status exactly, or as a prefix when it ends in '.':
    // longer and shorter codes sharing the rule's bytes are told apart.
    const struct
    {
        const char* status;
        const char* replyCode;
        const char* wantReason;
    } rows[] = {
        {"5.1.1", "", "userunknown"},      {"5.1.10", "", "notaccept"},     {"5.1.100", "", "undefined"},
        {"5.3.4", "", "mesgtoobig"},       {"5.3.9", "", "systemerror"},    {"5.4.4", "", "hostunknown"},
        {"5.4.44", "", "networkerror"},    {"5.7.13", "", "suspend"},       {"5.7.130", "", "blocked"},
        {"5.7.25", "", "requireptr"},      {"5.7.509", "", "authfailure"},  {"5.7.5090", "", "blocked"},
        {"5.7", "", "undefined"},          {"5.7.", "", "blocked"},         {"9.9.9", "", "undefined"},
        {"", "552", "mailboxfull"},        {"", "55", "undefined"},         {"", "5520", "undefined"},
        {"5.0.0", "421", "toomanyconn"},   {"4.2.9", "", "mailboxfull"},    {"4.7.25", "", "requireptr"},
        // Letters in a digit's place (some share its low four bits) match no rule.
        {"5.A.1", "", "undefined"},        {"E.1.1", "", "undefined"},      {"5.Q.6", "", "undefined"},
        {"", "5E2", "undefined"},          {"", "E52", "undefined"},        {"U.7.", "", "undefined"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(std::string(row.status) + " " + row.replyCode);
        RecipientResult result;
        result.action = "failed";
        result.status = row.status;
        result.replyCode = row.replyCode;
        EXPECT_EQ(classify(ReturnKind::Bounce, result).reason, row.wantReason);
    }
}

namespace {

// The first rule of a table (in its order) whose code is the code, or a prefix of it
// when it ends in '.': the plain walk.
std::string_view firstRule(const std::vector<bounce::CodeRule>& rules, std::string_view code)
{
    for (const auto& rule : rules)
    {
        const std::string_view c = rule.code;
        if (c.empty() || code.empty())
            continue;
        if (c.back() == '.' ? code.substr(0, c.size()) == c : code == c)
            return rule.reason;
    }
    return {};
}

} // namespace

// A mobile carrier's reception filter answers "unknown user" after DATA to senders
// it refuses (the verdict policy's ambiguous form): not dead there, dead elsewhere,
// and dead at the carrier when the answer came at RCPT or with an explicit X.1.1.
TEST(BounceClassifier, UnknownUserAfterDataIsAmbiguousOnlyAtMobileCarriers)
{
    struct Row
    {
        const char* address;
        const char* remoteMta;
        const char* status;
        const char* command;
        const char* wantReason;
    };
    const Row rows[] = {
        {"a@docomo.ne.jp", "", "5.0.0", "DATA", "filtered"},
        {"a@x.example", "mfsmax.example.jp", "5.0.0", "DATA", "filtered"},   // docomo's receiving hosts
        {"a@x.example", "lsean.ezweb.ne.jp", "", "DATA", "filtered"},
        {"a@docomo.ne.jp", "", "5.0.0", "RCPT", "userunknown"},
        {"a@docomo.ne.jp", "", "5.1.1", "DATA", "userunknown"},
        {"a@notdocomo.ne.jp", "", "5.0.0", "DATA", "userunknown"},
        {"a@x.example", "mx.x.example", "5.0.0", "DATA", "userunknown"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(std::string(row.address) + " " + row.remoteMta + " " + row.status + " " + row.command);
        RecipientResult r;
        r.action = "failed";
        r.address = row.address;
        r.remoteMta = row.remoteMta;
        r.status = row.status;
        r.smtpCommand = row.command;
        r.diagnostic = "550 Unknown user";
        EXPECT_EQ(classify(ReturnKind::Bounce, r).reason, row.wantReason);
    }
}

// Google Groups refuses in the poster's language without a code: its domain decides.
TEST(BounceClassifier, GoogleGroupsRefusalsAreRejectionsOfTheSender)
{
    RecipientResult r;
    r.action = "failed";
    r.address = "news@GoogleGroups.com";
    r.diagnostic = "Le groupe n'existe peut-\xc3\xaatre pas";
    EXPECT_EQ(classify(ReturnKind::Bounce, r).reason, "rejected");
    r.address = "news@notgooglegroups.com";
    EXPECT_EQ(classify(ReturnKind::Bounce, r).reason, "onhold");
}

// Random statuses and reply codes (digits, dots and letters in digits' places) get
// the reason of a walk over the tables in classify's order: decisive statuses,
// statuses, reply codes, then "undefined".
TEST(BounceClassifier, CodeTablesAgreeWithAWalkOverTheirRules)
{
    std::mt19937 random(23);
    const std::string bytes = "0123456789.5.1.7.4.AEQU";
    auto randomCode = [&](std::size_t longest) {
        std::string code(random() % (longest + 1), ' ');
        for (char& c : code)
            c = bytes[random() % bytes.size()];
        return code;
    };
    for (int round = 0; round < 20000; ++round)
    {
        RecipientResult result;
        result.action = "failed";
        result.status = randomCode(8);
        if (round % 2 == 0 && result.status.size() >= 5)
            result.status.replace(0, 5, bounce::statusRules()[random() % bounce::statusRules().size()].code.substr(0, 5));
        if (!result.status.empty())
            result.status[0] = "5X91"[random() % 4];   // neither delivered (2) nor temporary (4)
        result.replyCode = round % 3 == 0 ? std::string(bounce::replyCodeRules()[random() % 15].code) : randomCode(4);
        std::string want(firstRule(bounce::decisiveStatusRules(), result.status));
        if (want.empty())
            want = firstRule(bounce::statusRules(), result.status);
        if (want.empty())
            want = firstRule(bounce::replyCodeRules(), result.replyCode);
        if (want.empty())
            want = "undefined";
        SCOPED_TRACE(result.status + " " + result.replyCode);
        ASSERT_EQ(classify(ReturnKind::Bounce, result).reason, want);
    }
}

TEST(BounceClassifier, PolicyPhrasesAndWordsBeatingCodes)
{
    // The verdict policy's own examples: give-up phrases are expired, mailbox-count
    // and quota phrases mailboxfull, "no valid recipients" dead; a filter's words beat
    // an X.1.1 that would otherwise make the address dead.
    struct Row
    {
        const char* status;
        const char* diagnostic;
        const char* wantReason;
        BounceClass wantClass;
    };
    const Row rows[] = {
        {"", "Unable to deliver message after multiple retries, giving up.", "expired", BounceClass::Soft},
        {"", "Delivery aborted after 120 hours", "expired", BounceClass::Soft},
        {"5.0.0", "retry timeout exceeded", "expired", BounceClass::Soft},
        {"5.4.7", "delivery time expired", "expired", BounceClass::Soft},
        {"", "giving up: Host or domain name not found", "hostunknown", BounceClass::Hard},
        {"4.1.9", "Resources temporarily unavailable [#4.1.9]. I'm not going to try again; this message has been "
                  "in the queue too long.", "expired", BounceClass::Soft},
        {"4.2.2", "450 4.2.2 Mailbox Full. I'm not going to try again", "mailboxfull", BounceClass::Soft},
        {"5.2.2", "552 5.2.2 This message exceeded the local limit", "mailboxfull", BounceClass::Soft},
        {"5.0.0", "550 user is over quota", "mailboxfull", BounceClass::Soft},
        {"", "552 Mailbox full", "mailboxfull", BounceClass::Soft},
        {"4.2.2", "452 4.2.2 too many messages in this mailbox", "mailboxfull", BounceClass::Soft},
        {"", "550 mailbox size limit exceeded", "mailboxfull", BounceClass::Soft},
        {"4.7.0", "421 4.7.0 too many messages from 192.0.2.1", "toomanyconn", BounceClass::Soft},
        {"5.7.1", "550 example.org does not accept mail from you", "filtered", BounceClass::Soft},
        {"5.1.10", "550 5.1.10 example.org does not accept mail (null MX)", "notaccept", BounceClass::Hard},
        {"5.0.0", "554 no valid recipients", "userunknown", BounceClass::Hard},
        {"5.1.1", "550 5.1.1 Refused due to recipient preferences", "filtered", BounceClass::Soft},
        {"5.1.1", "550 5.1.1 Message rejected by local policy", "policyviolation", BounceClass::Block},
        {"5.1.1", "550 5.1.1 mailbox is inactive", "userunknown", BounceClass::Hard},
        {"5.1.1", "550 5.1.1 <a@b.example>... User unknown", "userunknown", BounceClass::Hard},
        // A rate per hour is speeding; a listed link in the content is spam, a listed
        // sender blocked; RFC 3463's security subjects; generic X.3.0/X.5.0 say nothing.
        {"4.7.1", "421 4.7.1 Rate limit exceeded: too many messages per hour", "speeding", BounceClass::Soft},
        {"4.7.0", "421 4.7.0 Too many connections from your IP, try again later", "toomanyconn", BounceClass::Soft},
        {"5.1.1", "550 5.1.1 Rate limit exceeded for this recipient", "speeding", BounceClass::Soft},
        // A list manager refusing our post: the list address is not dead.
        {"", "Your message was rejected: Post by non-member to a members-only list", "filtered", BounceClass::Soft},
        {"5.7.2", "Sorry, only subscribers may post. (#5.7.2)", "filtered", BounceClass::Soft},
        {"5.7.1", "554 5.7.1 Message contains a URL listed in URIBL", "spamdetected", BounceClass::Block},
        {"5.7.1", "554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org", "blocked", BounceClass::Block},
        {"5.7.6", "554 5.7.6 unsupported", "securityerror", BounceClass::Block},
        {"5.3.0", "553 5.3.0 <a@b.example>... User unknown", "userunknown", BounceClass::Hard},
        {"5.5.0", "550 5.5.0 mailbox unavailable", "userunknown", BounceClass::Hard},
        // Our side is not the member's: a DNS lookup that failed, our HELO name refused.
        {"5.4.4", "Name service error for name=example.org type=MX: Host not found, try again", "networkerror",
         BounceClass::Soft},
        {"5.4.4", "Name service error for name=example.org type=MX: Host not found", "hostunknown", BounceClass::Hard},
        {"5.7.1", "550 5.7.1 <mx.example.net>: Helo command rejected: Host not found", "blocked", BounceClass::Block},
        {"", "550 HELO/EHLO: your hostname does not resolve", "blocked", BounceClass::Block},
        // Older MTAs' notices in other languages, without codes.
        {"", "Benutzer unbekannt", "userunknown", BounceClass::Hard},
        {"", "Utilisateur inconnu", "userunknown", BounceClass::Hard},
        {"", "\u539f\u56e0\uff1a\u7528\u6237\u4e0d\u5b58\u5728", "userunknown", BounceClass::Hard},
        {"", "Postfach voll", "mailboxfull", BounceClass::Soft},
        {"", "Buz\u00f3n lleno", "mailboxfull", BounceClass::Soft},
        // Exim's router; a suspension is dead only where it is for good.
        {"", "unknown local-part \"olduser\" in domain \"example.org\"", "userunknown", BounceClass::Hard},
        {"", "This account has been disabled or discontinued [#102].", "suspend", BounceClass::Hard},
        {"5.2.1", "550 5.2.1 mailbox disabled permanently", "suspend", BounceClass::Hard},
        {"5.2.1", "550 5.2.1 mailbox disabled", "suspend", BounceClass::Soft},
        {"4.2.1", "450 4.2.1 account suspended permanently, try later", "suspend", BounceClass::Soft},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.diagnostic);
        RecipientResult r;
        r.action = "failed";
        r.status = row.status;
        r.diagnostic = row.diagnostic;
        const Classification c = classify(ReturnKind::Bounce, r);
        EXPECT_EQ(c.reason, row.wantReason);
        EXPECT_EQ(c.bounceClass, row.wantClass);
    }
}
