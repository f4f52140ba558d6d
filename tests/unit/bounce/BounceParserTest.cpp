// BounceParserTest: whole returned messages, written by hand in the shapes the
// MTAs produce, through parseReturn().
#include "verpmail/bounce/BounceParser.h"

#include "verpmail/bounce/AutoReplyDetector.h"
#include "verpmail/bounce/HeaderBlock.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

using namespace verpmail;

namespace {

// A Postfix DSN as bounce(8) writes it, with the member's result in `status`/`diag`.
std::string postfixDsn(const std::string& action, const std::string& status, const std::string& diag)
{
    return "Return-Path: <>\n"
           "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
           "Subject: Undelivered Mail Returned to Sender\n"
           "To: sentto-TOKEN@bounces.example.org\n"
           "Auto-Submitted: auto-replied\n"
           "MIME-Version: 1.0\n"
           "Content-Type: multipart/report; report-type=delivery-status;\n"
           "\tboundary=\"ABC.123/mx.example.org\"\n"
           "\n"
           "This is a MIME-encapsulated message.\n"
           "\n"
           "--ABC.123/mx.example.org\n"
           "Content-Description: Notification\n"
           "Content-Type: text/plain; charset=us-ascii\n"
           "\n"
           "This is the mail system at host mx.example.org.\n"
           "\n"
           "<member@example.jp>: host mx.example.jp[192.0.2.1] said: " + diag + " (in reply to RCPT TO command)\n"
           "\n"
           "--ABC.123/mx.example.org\n"
           "Content-Description: Delivery report\n"
           "Content-Type: message/delivery-status\n"
           "\n"
           "Reporting-MTA: dns; mx.example.org\n"
           "Original-Envelope-Id: campaign-7\n"
           "\n"
           "Final-Recipient: rfc822; member@example.jp\n"
           "Original-Recipient: rfc822;member@example.jp\n"
           "Action: " + action + "\n"
           "Status: " + status + "\n"
           "Remote-MTA: dns; mx.example.jp\n"
           "Diagnostic-Code: smtp; " + diag + "\n"
           "\n"
           "--ABC.123/mx.example.org\n"
           "Content-Description: Undelivered Message Headers\n"
           "Content-Type: text/rfc822-headers\n"
           "\n"
           "Return-Path: <sentto-TOKEN@bounces.example.org>\n"
           "X-Verpmail-Envelope: <sentto-TOKEN@bounces.example.org>\n"
           "X-Verpmail-Campaign: 7\n"
           "From: News <news@example.org>\n"
           "To: member@example.jp\n"
           "Message-ID: <m1@example.org>\n"
           "\n"
           "--ABC.123/mx.example.org--\n";
}

} // namespace

TEST(BounceParser, ClassifiesPostfixDsns)
{
    struct Row
    {
        const char* action;
        const char* status;
        const char* diag;
        const char* wantReason;
        BounceClass wantClass;
    };
    const Row rows[] = {
        {"failed", "5.1.1", "550 5.1.1 <member@example.jp>: Recipient address rejected: User unknown", "userunknown",
         BounceClass::Hard},
        {"failed", "5.2.2", "552 5.2.2 Mailbox full", "mailboxfull", BounceClass::Soft},
        {"failed", "5.7.1", "550 5.7.1 Message rejected as spam", "spamdetected", BounceClass::Block},
        {"failed", "4.2.1", "450 4.2.1 Mailbox disabled, not accepting messages", "suspend", BounceClass::Soft},
        {"delayed", "4.4.1", "450 4.4.1 Try again later", "expired", BounceClass::None},
        {"failed", "5.1.2", "550 5.1.2 Host or domain name not found", "hostunknown", BounceClass::Hard},
        {"failed", "5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
         "blocked", BounceClass::Block},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.diag);
        const ParsedReturn got = parseReturn(postfixDsn(row.action, row.status, row.diag));
        EXPECT_EQ(got.kind, ReturnKind::Bounce);
        ASSERT_EQ(got.recipients.size(), 1u);
        const RecipientResult& r = got.recipients[0];
        EXPECT_EQ(r.address, "member@example.jp");
        EXPECT_EQ(r.action, row.action);
        EXPECT_EQ(r.status, row.status);
        EXPECT_EQ(r.remoteMta, "mx.example.jp");
        EXPECT_EQ(r.smtpCommand, "RCPT");
        EXPECT_EQ(r.reason, row.wantReason);
        EXPECT_EQ(r.bounceClass, row.wantClass) << toString(r.bounceClass);
        EXPECT_EQ(got.envelopeId, "campaign-7");
        EXPECT_EQ(got.campaign, "7");
        ASSERT_FALSE(got.verpCandidates.empty());
        EXPECT_EQ(got.verpCandidates[0], "sentto-TOKEN@bounces.example.org");
    }
}

TEST(BounceParser, AcceptsAllLineEndings)
{
    const std::string lf = postfixDsn("failed", "5.1.1", "550 5.1.1 User unknown");
    std::string crlf, cr;
    for (char c : lf)
    {
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        cr += c == '\n' ? '\r' : c;
    }
    for (const std::string& text : {crlf, cr})
    {
        const ParsedReturn got = parseReturn(text);
        ASSERT_EQ(got.recipients.size(), 1u);
        EXPECT_EQ(got.recipients[0].address, "member@example.jp");
        EXPECT_EQ(got.recipients[0].bounceClass, BounceClass::Hard);
    }
}

TEST(BounceParser, ReadsTextBounceWithQuotedOriginal)
{
    const char* qmail = "From: MAILER-DAEMON@mx.example.org\n"
                        "To: sentto-TOKEN@bounces.example.org\n"
                        "Subject: failure notice\n"
                        "\n"
                        "Hi. This is the qmail-send program at mx.example.org.\n"
                        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
                        "This is a permanent error; I've given up. Sorry it didn't work out.\n"
                        "\n"
                        "<member@example.jp>:\n"
                        "192.0.2.1 does not like recipient.\n"
                        "Remote host said: 550 5.1.1 <member@example.jp>... User Unknown\n"
                        "\n"
                        "--- Below this line is a copy of the message.\n"
                        "\n"
                        "Return-Path: <sentto-TOKEN@bounces.example.org>\n"
                        "X-Verpmail-Campaign: 9\n"
                        "From: news@example.org\n"
                        "\n"
                        "body\n";
    const ParsedReturn got = parseReturn(qmail);
    EXPECT_EQ(got.kind, ReturnKind::Bounce);
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].address, "member@example.jp");
    EXPECT_EQ(got.recipients[0].reason, "userunknown");
    EXPECT_EQ(got.recipients[0].bounceClass, BounceClass::Hard);
    EXPECT_EQ(got.campaign, "9");
    ASSERT_FALSE(got.verpCandidates.empty());
    EXPECT_EQ(got.verpCandidates[0], "sentto-TOKEN@bounces.example.org");
}

TEST(BounceParser, ExcludesOnlyThisMessagesOwnAddresses)
{
    // The header's and the original's addresses are not recipients (whatever their
    // case), and those of a report parsed before are no longer excluded.
    const auto report = [](const std::string& to, const std::string& named) {
        return "From: MAILER-DAEMON@mx.example.org\n"
               "To: " + to + "\n"
               "Subject: failure notice\n"
               "\n"
               "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
               "\n"
               "<" + named + ">:\n"
               "Remote host said: 550 5.1.1 User Unknown\n"
               "\n"
               "<member@example.jp>:\n"
               "Remote host said: 550 5.1.1 User Unknown\n";
    };
    ParsedReturn got = parseReturn(report("Alice@Example.Org", "alice@example.org"));
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].address, "member@example.jp");
    got = parseReturn(report("other@example.org", "alice@example.org"));
    ASSERT_EQ(got.recipients.size(), 2u);
    EXPECT_EQ(got.recipients[0].address, "alice@example.org");
    EXPECT_EQ(got.recipients[1].address, "member@example.jp");
}

TEST(BounceParser, ReadsRedactedComplaint)
{
    const char* arf = "From: feedback@isp.example\n"
                      "Subject: FW: news\n"
                      "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n"
                      "\n"
                      "--F\n"
                      "Content-Type: text/plain\n"
                      "\n"
                      "This is an email abuse report\n"
                      "--F\n"
                      "Content-Type: message/feedback-report\n"
                      "\n"
                      "Feedback-Type: abuse\n"
                      "User-Agent: ISP-FBL/1.0\n"
                      "Version: 1\n"
                      "--F\n"
                      "Content-Type: text/rfc822-headers\n"
                      "\n"
                      "X-Verpmail-Envelope: <sentto-TOKEN@bounces.example.org>\n"
                      "X-Verpmail-Campaign: 11\n"
                      "From: news@example.org\n"
                      "To: redacted@isp.example\n"
                      "--F--\n";
    const ParsedReturn got = parseReturn(arf);
    EXPECT_EQ(got.kind, ReturnKind::Complaint);
    EXPECT_EQ(got.feedbackType, "abuse");
    EXPECT_EQ(got.campaign, "11");
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].bounceClass, BounceClass::Complaint);
    EXPECT_EQ(got.recipients[0].reason, "feedback");
    ASSERT_FALSE(got.verpCandidates.empty());
    EXPECT_EQ(got.verpCandidates[0], "sentto-TOKEN@bounces.example.org");
}

TEST(BounceParser, TheOriginalsToIsTheGuessOfReportsNamingNoRecipient)
{
    // A redacted ARF and a text bounce naming no address
    // take the returned original's To: when it names one address; a DSN names its own.
    // A report of the given head and parts (boundary B), the original last, sent to `to`.
    const auto report = [](const std::string& head, const std::string& parts, const std::string& to) {
        return head + "boundary=B\n\n" + parts + "--B\nContent-Type: message/rfc822\n\nFrom: news@example.org\nTo: " +
               to + "\nSubject: news\n\nHello.\n--B--\n";
    };
    const auto arf = [&](const std::string& to) {
        return report("From: fbl@isp.example\nSubject: FBL\n"
                      "Content-Type: multipart/report; report-type=feedback-report; ",
                      "--B\nContent-Type: text/plain\n\nA complaint.\n"
                      "--B\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n",
                      to);
    };
    const std::string daemon = "From: MAILER-DAEMON@mx.example.jp\nSubject: Undelivered Mail Returned to Sender\n";
    const auto textBounce = [&](const std::string& to) {
        return report(daemon + "Content-Type: multipart/mixed; ",
                      "--B\nContent-Type: text/plain\n\n550 5.1.1 mailbox unavailable\n", to);
    };
    const auto dsn = [&](const std::string& to) {
        return report(daemon + "Content-Type: multipart/report; report-type=delivery-status; ",
                      "--B\nContent-Type: text/plain\n\nIt failed.\n"
                      "--B\nContent-Type: message/delivery-status\n\n"
                      "Final-Recipient: rfc822; dsn@example.jp\nAction: failed\nStatus: 5.1.1\n",
                      to);
    };
    const struct
    {
        const char* kind;
        std::string message;
        ReturnKind wantKind;
        const char* wantAddress;
    } rows[] = {
        {"arf", arf("Member@Example.ORG"), ReturnKind::Complaint, "member@example.org"},
        {"arf, two", arf("a@example.org, b@example.org"), ReturnKind::Complaint, "a@example.org"},
        {"text", textBounce("Member@Example.ORG"), ReturnKind::Bounce, "member@example.org"},
        {"text, two", textBounce("a@example.org, b@example.org"), ReturnKind::Bounce, ""},
        {"dsn", dsn("member@example.org"), ReturnKind::Bounce, "dsn@example.jp"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.kind);
        const ParsedReturn got = parseReturn(row.message);
        EXPECT_EQ(got.kind, row.wantKind);
        ASSERT_FALSE(got.recipients.empty());
        EXPECT_EQ(got.recipients[0].address, row.wantAddress);
    }
}

TEST(BounceParser, RecognisesAutoReply)
{
    const char* reply = "From: Member <member@example.jp>\n"
                        "To: sentto-TOKEN@bounces.example.org\n"
                        "Subject: Out of Office: news\n"
                        "Auto-Submitted: auto-replied\n"
                        "\n"
                        "I am away until Monday.\n";
    const ParsedReturn got = parseReturn(reply);
    EXPECT_EQ(got.kind, ReturnKind::AutoReply);
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].address, "member@example.jp");
    EXPECT_EQ(got.recipients[0].bounceClass, BounceClass::AutoReply);
}

TEST(BounceParser, AMailClientsUnsubscribeRequestIsAnOptOut)
{
    const std::string request = "From: Member <member@example.jp>\n"
                                "To: unsubscribe-TOKEN@bounces.example.org\n"
                                "Subject: unsubscribe\n"
                                "X-Apple-Unsubscribe: true\n"
                                "\n"
                                "This message was automatically generated by Mail.\n";
    const ParsedReturn got = parseReturn(request);
    EXPECT_EQ(got.kind, ReturnKind::Complaint);
    EXPECT_EQ(got.feedbackType, "opt-out");
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].address, "member@example.jp");
    // Any other value of the field is no request: a plain message stays what it is.
    std::string other = request;
    other.replace(other.find("true"), 4, "false");
    EXPECT_NE(parseReturn(other).kind, ReturnKind::Complaint);
}

TEST(BounceParser, AReportForwardedInsideANoticeIsReadNotItsTo)
{
    // An appliance's notice with the whole DSN attached: the DSN's recipient, not the
    // attached message's To: (the VERP address the DSN was sent to).
    const char* notice =
        "From: Mail Gateway <gateway@appliance.example>\n"
        "To: sentto-TOKEN@bounces.example.org\n"
        "Subject: Notification: undeliverable message\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"outer\"\n"
        "\n"
        "--outer\n"
        "Content-Type: text/plain\n"
        "\n"
        "The attached delivery report was returned to you by the mail gateway.\n"
        "\n"
        "--outer\n"
        "Content-Type: message/rfc822\n"
        "\n"
        "From: MAILER-DAEMON@mx.example.org\n"
        "To: sentto-TOKEN@bounces.example.org\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"inner\"\n"
        "\n"
        "--inner\n"
        "Content-Type: text/plain\n"
        "\n"
        "<gone@example.org>: host mx.example.org said: 550 5.1.1 User unknown\n"
        "\n"
        "--inner\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns; mx.example.org\n"
        "\n"
        "Final-Recipient: rfc822; gone@example.org\n"
        "Action: failed\n"
        "Status: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: User unknown\n"
        "\n"
        "--inner\n"
        "Content-Type: text/rfc822-headers\n"
        "\n"
        "From: list@lists.example.net\n"
        "To: gone@example.org\n"
        "Subject: news\n"
        "\n"
        "--inner--\n"
        "\n"
        "--outer--\n";
    const ParsedReturn got = parseReturn(notice);
    EXPECT_EQ(got.kind, ReturnKind::Bounce);
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].address, "gone@example.org");
    EXPECT_EQ(got.recipients[0].bounceClass, BounceClass::Hard);
    EXPECT_EQ(got.subject, "Notification: undeliverable message");
    // The VERP candidates come from the original the inner DSN returned.
    EXPECT_NE(std::find(got.verpCandidates.begin(), got.verpCandidates.end(), "list@lists.example.net"),
              got.verpCandidates.end());
}

TEST(BounceParser, RecognisesAutoReplyByEncodedSubject)
{
    // "自動応答" in ISO-2022-JP, the way Japanese clients write it; no auto-reply header.
    const char* reply = "From: member@example.jp\n"
                        "To: sentto-TOKEN@bounces.example.org\n"
                        "Subject: =?ISO-2022-JP?B?GyRCPCtGMDF+RXobKEI=?=: news\n"
                        "\n"
                        "away\n";
    const ParsedReturn got = parseReturn(reply);
    EXPECT_EQ(got.kind, ReturnKind::AutoReply);
    EXPECT_EQ(got.subject, "\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94: news");
}

TEST(BounceParser, ReadsDamagedSesNotifications)
{
    // A relay split the one-line JSON with "!\n " (line-length limit), and SNS cut
    // the tail of the second one: both still name the recipient.
    const std::string header = "From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n";
    const std::string wrapped =
        header + "{\"notificationType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":[{\"emailAddress\":"
                 "\"member@exam!\n ple.jp\"}],\"complaintFeedbackType\":\"abuse\"},\"mail\":{\"source\":"
                 "\"sentto-TOKEN@bounces.example.org\"}}\n";
    ParsedReturn got = parseReturn(wrapped);
    EXPECT_EQ(got.kind, ReturnKind::Complaint);
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].address, "member@example.jp");
    ASSERT_FALSE(got.verpCandidates.empty());
    EXPECT_EQ(got.verpCandidates[0], "sentto-TOKEN@bounces.example.org");

    const std::string truncated =
        header + "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bouncedRecipients\":"
                 "[{\"emailAddress\":\"member@example.jp\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 "
                 "user unknown\"}]},\"mail\":{\"source\":\"sentto-TOKEN@bounces.example.org\",\"headers\":[{\"name\":\"!\n"
                 "\n--\nIf you wish to stop receiving notifications {unsubscribe}\n";
    got = parseReturn(truncated);
    EXPECT_EQ(got.kind, ReturnKind::Bounce);
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].address, "member@example.jp");
    EXPECT_EQ(got.recipients[0].bounceClass, BounceClass::Hard);
    ASSERT_FALSE(got.verpCandidates.empty());
    EXPECT_EQ(got.verpCandidates[0], "sentto-TOKEN@bounces.example.org");
}

TEST(BounceParser, ReadsLocalDeliveryFailureFromProseAndHeader)
{
    // Exim's DSN for a local delivery names a file, not an address, and gives no
    // Diagnostic-Code: X-Failed-Recipients and the prose say who and why.
    const char* dsn = "From: Mail Delivery System <Mailer-Daemon@mx.example.jp>\n"
                      "X-Failed-Recipients: member@example.jp\n"
                      "Content-Type: multipart/report; report-type=delivery-status; boundary=B\n"
                      "\n"
                      "--B\n"
                      "Content-Type: text/plain\n"
                      "\n"
                      "The following address(es) failed:\n\n"
                      "  save to /var/mail/member\n"
                      "    generated by member@example.jp\n"
                      "    mailbox is full: retry timeout exceeded\n"
                      "--B\n"
                      "Content-Type: message/delivery-status\n"
                      "\n"
                      "Reporting-MTA: dns; mx.example.jp\n\n"
                      "Action: failed\n"
                      "Final-Recipient: rfc822;/var/mail/member\n"
                      "Status: 5.0.0\n"
                      "--B--\n";
    const ParsedReturn got = parseReturn(dsn);
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].address, "member@example.jp");
    EXPECT_EQ(got.recipients[0].reason, "mailboxfull");
    EXPECT_EQ(got.recipients[0].bounceClass, BounceClass::Soft);
}

TEST(BounceParser, FailedRecipientsHeaderNamesTheOnlyAddresslessRecipient)
{
    // A DSN recipient with no address (a pipe) and prose naming none: the header's
    // address is taken only when it names one address and the DSN one recipient.
    const auto dsnWith = [](const std::string& header, const std::string& groups) {
        return "From: Mail Delivery System <Mailer-Daemon@mx.example.jp>\n" + header +
               "Content-Type: multipart/report; report-type=delivery-status; boundary=B\n"
               "\n"
               "--B\n"
               "Content-Type: text/plain\n"
               "\n"
               "A pipe to a program failed.\n"
               "--B\n"
               "Content-Type: message/delivery-status\n"
               "\n"
               "Reporting-MTA: dns; mx.example.jp\n\n" +
               groups + "--B--\n";
    };
    const std::string pipe = "Final-Recipient: rfc822; |/usr/bin/filter\nAction: failed\nStatus: 5.0.0\n";
    const std::string other = "\nFinal-Recipient: rfc822; other@example.jp\nAction: failed\nStatus: 5.1.1\n";
    const struct
    {
        std::string header;
        std::string groups;
        std::vector<std::string> want;
    } rows[] = {
        {"X-Failed-Recipients: Member@Example.JP\n", pipe, {"member@example.jp"}},
        {"x-failed-recipients: a@example.jp,\n b@example.jp\n", pipe, {""}},
        {"", pipe, {""}},
        {"X-Failed-Recipients: member@example.jp\n", pipe + other, {"", "other@example.jp"}},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.header + row.groups);
        const ParsedReturn got = parseReturn(dsnWith(row.header, row.groups));
        ASSERT_EQ(got.recipients.size(), row.want.size());
        for (std::size_t i = 0; i < row.want.size(); ++i)
            EXPECT_EQ(got.recipients[i].address, row.want[i]);
    }
}

TEST(BounceParser, FailedRecipientsHeaderBeatsTheOriginalsToWhenTheReportNamesNone)
{
    // An empty status part and prose that names no address: the header names the
    // recipient; the original's To: (another address) is not the one that failed.
    const char* report =
        "From: Mail Delivery System <Mailer-Daemon@mx.example.com>\n"
        "To: sentto-TOKEN@bounces.example.org\n"
        "Subject: Mail delivery failed: returning message to sender\n"
        "X-Failed-Recipients: gone@example.org\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
        "\n"
        "--b\n"
        "Content-Type: text/plain\n"
        "\n"
        "This message was created automatically by mail delivery software.\n"
        "\n"
        "A message that you sent could not be delivered to one or more of its\n"
        "recipients. This is a permanent error.\n"
        "\n"
        "  SMTP error from remote mail server after RCPT TO:\n"
        "  host mx.example.org [192.0.2.1]: 550 5.1.1 User unknown\n"
        "\n"
        "--b\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns; mx.example.com\n"
        "\n"
        "--b\n"
        "Content-Type: text/rfc822-headers\n"
        "\n"
        "From: list@lists.example.net\n"
        "To: someone-else@example.net\n"
        "Subject: news\n"
        "\n"
        "--b--\n";
    const ParsedReturn got = parseReturn(report);
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].address, "gone@example.org");
    EXPECT_EQ(got.recipients[0].reason, "userunknown");
}

TEST(BounceParser, GarbageGivesOther)
{
    const std::string inputs[] = {
        "",
        "\r\n\r\n",
        "garbage without any header",
        std::string("\0\0\0\xff\xfe", 5),
        "From: friend@example.org\nSubject: lunch?\n\nSee you at noon.\n",
        "Content-Type: multipart/report; boundary=\"x\"\n\n--x\nContent-Type: message/delivery-status\n\n",
    };
    for (const auto& input : inputs)
    {
        SCOPED_TRACE(input);
        const ParsedReturn got = parseReturn(input);
        EXPECT_EQ(got.kind, ReturnKind::Other);
        EXPECT_TRUE(got.recipients.empty());
    }
}

TEST(BounceParser, RespectsSizeLimit)
{
    ParseLimits limits;
    limits.maxBytes = 200;
    const ParsedReturn got = parseReturn(postfixDsn("failed", "5.1.1", "550 5.1.1 User unknown") +
                                             std::string(100000, 'x'),
                                         limits);
    EXPECT_FALSE(got.problem.empty());
    EXPECT_TRUE(got.recipients.size() <= limits.maxRecipients);
}

TEST(BounceParser, SurvivesHostileStructure)
{
    std::string deep = "From: MAILER-DAEMON@x.example\n";
    for (int i = 0; i < 200; ++i)
        deep += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\n\n--b" + std::to_string(i) + "\n";
    const ParsedReturn nested = parseReturn(deep);
    EXPECT_FALSE(nested.problem.empty());

    std::string longLine = "Subject: " + std::string(1 << 20, 'a') + "\n\n" + std::string(1 << 20, '@');
    const ParsedReturn big = parseReturn(longLine);
    EXPECT_LE(big.subject.size(), 200u);
}

// The DSN's own fields win; the prose (scanned only when asked) fills what they lack.
TEST(BounceParser, CompletesDsnFieldsFromProse)
{
    struct Row
    {
        const char* prose;
        const char* diagnosticField;   // "" leaves Diagnostic-Code out
        const char* wantDiagnostic;
        const char* wantCommand;
    };
    const char* const said = "<member@example.jp>: host mx.example.jp said: 550 5.1.1 unknown (in reply to RCPT TO command)";
    const Row rows[] = {
        {said, "smtp; 550 5.1.1 unknown (in reply to end of DATA command)",
         "550 5.1.1 unknown (in reply to end of DATA command)", "DATA"},
        {said, "smtp; 550 5.1.1 unknown", "550 5.1.1 unknown", "RCPT"},
        {said, "", said, "RCPT"},
        {"Delivery failed.", "", "", ""},
        {"Delivery failed.", "smtp; 550 5.1.1 unknown", "550 5.1.1 unknown", ""},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(std::string(row.prose) + " / " + row.diagnosticField);
        const std::string diagnosticLine =
            *row.diagnosticField ? std::string("Diagnostic-Code: ") + row.diagnosticField + "\n" : std::string();
        const std::string message = "From: MAILER-DAEMON@mx.example.org\n"
                                    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
                                    "\n"
                                    "--B\n"
                                    "Content-Type: text/plain\n"
                                    "\n" +
                                    std::string(row.prose) +
                                    "\n"
                                    "--B\n"
                                    "Content-Type: message/delivery-status\n"
                                    "\n"
                                    "Reporting-MTA: dns; mx.example.org\n"
                                    "\n"
                                    "Final-Recipient: rfc822; member@example.jp\n"
                                    "Action: failed\n"
                                    "Status: 5.1.1\n" +
                                    diagnosticLine + "\n--B--\n";
        const ParsedReturn got = parseReturn(message);
        EXPECT_EQ(got.kind, ReturnKind::Bounce);
        ASSERT_EQ(got.recipients.size(), 1u);
        EXPECT_EQ(got.recipients[0].address, "member@example.jp");
        EXPECT_EQ(got.recipients[0].diagnostic, row.wantDiagnostic);
        EXPECT_EQ(got.recipients[0].smtpCommand, row.wantCommand);
    }
}

TEST(BounceParser, KeepsVerpCandidatesThatDifferOnlyInCase)
{
    // Return-Path keeps its local part's case; From is lower-cased: both stay
    // candidates, and a repeated From address is not added twice.
    const std::string message = "From: MAILER-DAEMON@mx.example.org\n"
                                "Subject: Undelivered Mail\n"
                                "\n"
                                "Sorry, delivery failed: member@example.jp: user unknown (550 5.1.1)\n"
                                "\n"
                                "------ This is a copy of the message, including all the headers. ------\n"
                                "\n"
                                "Return-Path: <Sentto-TOKEN@Bounces.Example.org>\n"
                                "From: <SENTTO-token@bounces.example.org>, sentto-token@BOUNCES.example.org\n"
                                "Sender: other@example.org\n"
                                "To: member@example.jp\n"
                                "\n"
                                "body\n";
    const ParsedReturn got = parseReturn(message);
    const std::vector<std::string> want = {"Sentto-TOKEN@bounces.example.org", "sentto-token@bounces.example.org",
                                           "other@example.org"};
    EXPECT_EQ(got.verpCandidates, want);
}

namespace {

void expectOneRecipient(const std::string& message, ReturnKind kind, const std::string& address)
{
    const ParsedReturn got = parseReturn(message);
    EXPECT_EQ(got.kind, kind);
    ASSERT_EQ(got.recipients.size(), 1u);
    EXPECT_EQ(got.recipients[0].address, address);
}

} // namespace

TEST(BounceParser, ReadsProseFromOneOrSeveralTextParts)
{
    struct Row
    {
        const char* parts;   // the parts between the boundaries
        const char* wantAddress;
    };
    const Row rows[] = {
        {"Content-Type: text/plain\n\nDelivery failed: member@example.jp: user unknown (550 5.1.1)\n", "member@example.jp"},
        {"Content-Type: text/plain\n\nDelivery has failed.\n--B\nContent-Type: text/plain\n\n"
         "member@example.jp: user unknown (550 5.1.1)\n",
         "member@example.jp"},
        {"Content-Type: text/html\n\nDelivery failed: member@example.jp: user unknown (550 5.1.1)\n", "member@example.jp"},
        {"Content-Type: text/plain\n\nDelivery has failed.\n--B\nContent-Type: text/html\n\n"
         "member@example.jp: user unknown (550 5.1.1)\n",
         ""},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.parts);
        const std::string message = std::string("From: MAILER-DAEMON@mx.example.org\n"
                                                "Subject: Undelivered Mail Returned to Sender\n"
                                                "Content-Type: multipart/mixed; boundary=\"B\"\n"
                                                "\n"
                                                "--B\n") +
                                    row.parts + "--B--\n";
        expectOneRecipient(message, ReturnKind::Bounce, row.wantAddress);
    }
}

TEST(BounceParser, ComplaintsAreFeedbackReportsOrJmrpAndAnswerNoMail)
{
    // RFC 5965: a message/feedback-report part or report-type=feedback-report. Hotmail's
    // JMRP: the attached original names the complainer in X-HmXmrOriginalRecipient. A
    // subject's words never make a complaint; an auto-reply or a reply to our
    // Message-ID (<campaign.HEX20@domain>) never is one.
    const std::string ours = "In-Reply-To: <news1.0123456789abcdef0123@lists.example.org>\n";
    const auto message = [](const std::string& head, const std::string& type, const std::string& report,
                            const std::string& originalHead) {
        return "From: fbl@isp.example\n" + head + "Content-Type: " + type + "; boundary=B\n\n" +
               "--B\nContent-Type: text/plain\n\nA complaint about a message.\n" + report +
               "--B\nContent-Type: message/rfc822\n\nFrom: news@example.org\nTo: member@example.jp\n" +
               originalHead + "Subject: news\n\nHello.\n--B--\n";
    };
    const std::string arfType = "multipart/report; report-type=feedback-report";
    const std::string arfPart = "--B\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n";
    const std::string jmrpHead = "Subject: complaint about message from 192.0.2.1\n";
    const std::string complainer = "X-HmXmrOriginalRecipient: <member@Example.JP>\n";
    const struct
    {
        const char* name;
        std::string message;
        bool complaint;
    } rows[] = {
        {"arf", message("Subject: FBL\n", arfType, arfPart, ""), true},
        {"arf part in multipart/mixed", message("Subject: FBL\n", "multipart/mixed", arfPart, ""), true},
        {"report-type only", message("Subject: FBL\n", arfType, "", ""), true},
        {"arf, auto-generated", message("Auto-Submitted: auto-generated\n", arfType, arfPart, ""), true},
        {"arf, auto-replied", message("Auto-Submitted: auto-replied\n", arfType, arfPart, ""), false},
        {"arf, a reply to ours", message(ours, arfType, arfPart, ""), false},
        {"jmrp", message(jmrpHead, "multipart/mixed", "", complainer), true},
        {"jmrp, other references", message(jmrpHead + "References: <a.b@example.org>\n", "multipart/mixed", "",
                                           complainer), true},
        {"jmrp, auto-notified", message(jmrpHead + "Auto-Submitted: auto-notified\n", "multipart/mixed", "",
                                        complainer), false},
        {"jmrp, a reply to ours", message(jmrpHead + ours, "multipart/mixed", "", complainer), false},
        {"subject only", message("Subject: FW: Complaint About Message from you\n", "multipart/mixed", "", ""),
         false},
        {"subject, out of office", message("Subject: Complaint about message: out of office\n",
                                           "multipart/mixed", "", ""), false},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        const ParsedReturn got = parseReturn(row.message);
        EXPECT_EQ(got.kind == ReturnKind::Complaint, row.complaint);
        if (row.complaint)
        {
            ASSERT_EQ(got.recipients.size(), 1u);
            EXPECT_EQ(got.recipients[0].address, "member@example.jp");
            EXPECT_EQ(got.recipients[0].bounceClass, BounceClass::Complaint);
        }
    }
}
