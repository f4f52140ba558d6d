// NonStandardFormatsTest: the text scanner on the shapes of the common MTA formats.
#include "verpmail/bounce/NonStandardFormats.h"

#include "verpmail/bounce/BounceClassifier.h"

#include "verpmail/bounce/PhraseSet.h"
#include "verpmail/bounce/SmtpCodes.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace verpmail::bounce;

TEST(NonStandardFormats, ScansFormats)
{
    struct Row
    {
        const char* name;
        const char* text;
        const char* wantAddress;
        const char* wantStatus;
        const char* wantReply;
    };
    const Row rows[] = {
        {"qmail",
         "Hi. This is the qmail-send program at mx.example.org.\n"
         "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
         "<gone@example.jp>:\n192.0.2.1 does not like recipient.\n"
         "Remote host said: 550 5.1.1 <gone@example.jp>... User Unknown\n",
         "gone@example.jp", "5.1.1", "550"},
        {"exim",
         "A message that you sent could not be delivered to one or more of its\nrecipients.\n\n"
         "  full@example.ed.jp\n    SMTP error from remote mail server after RCPT TO:<full@example.ed.jp>:\n"
         "    host mx.example.jp [192.0.2.20]: 552 5.2.2 Mailbox full\n",
         "full@example.ed.jp", "5.2.2", "552"},
        {"gmail",
         "Delivery to the following recipient failed permanently:\n\n     who@example.jp\n\n"
         "Technical details of permanent failure:\nThe error that the other server returned was:\n"
         "550 5.1.1 <who@example.jp>... User Unknown\n",
         "who@example.jp", "5.1.1", "550"},
        {"error given once before the list",
         "Could not be delivered because of\n\n550 5.1.1 User unknown\n\n"
         "The following recipients were affected:\n    gone@example.org\n\nAdditional Information\n",
         "gone@example.org", "5.1.1", "550"},
        {"sender line ignored",
         "SMTP error after MAIL FROM:<me@sender.example>:\n  rcpt@example.net: 554 denied\n",
         "rcpt@example.net", "", "554"},
        // Where a line lists an address, addresses in prose are not recipients; help
        // offered in prose never names one.
        {"exchange, a helpdesk in prose",
         "The following recipient(s) could not be reached:\n\n      user@example.org on 1/1/2005 10:00 AM\n"
         "            The e-mail account does not exist. <mx.example.org #5.1.1>\n\n"
         "Write to helpdesk@example.org for help.\n",
         "user@example.org", "5.1.1", ""},
        {"a labelled recipient",
         "Each of the following recipients was rejected.\n\n    Recipient: <user@example.org>\n"
         "    Reason:    5.1.1 <user@example.org>... User unknown\n\nPlease reply to noc@example.com\n",
         "user@example.org", "5.1.1", ""},
        {"a quoted Received: line",
         "<gone@example.org>:\n550 5.1.1 unknown\n"
         "Received: from a.example by b.example for <other@example.org>; Mon, 7 Dec 2026\n",
         "gone@example.org", "5.1.1", "550"},
        // Postfix's notice: "<final> (expanded from <alias>): reason"; what follows
        // "expanded from" is the address the mail was sent to, not the failed one.
        {"postfix, an alias expanded",
         "                   The mail system\n\n"
         "<box@mail.example.net> (expanded from <member@example.org>): user\n"
         "    unknown. Command output: procmail: No such user\n",
         "box@mail.example.net", "", ""},
        {"postfix, a quoted local part",
         "<\"first..last\"@example.org>: host mx.example.org[192.0.2.2] said:\n"
         "    550 5.1.1 <\"first..last\"@example.org>... User Unknown (in reply to\n    RCPT TO command)\n",
         "\"first..last\"@example.org", "5.1.1", "550"},
        // Outlook writes a link as "text<mailto:target>": the listed address is the text.
        {"a link after the listed address",
         "rejected your message to the following email addresses:\n\n"
         "gone@example.jp (gone@example.jp)<mailto:typo@example.jp>\n"
         "Remote server returned: 550 5.1.1 User unknown\n",
         "gone@example.jp", "5.1.1", "550"},
        {"prose only",
         "Your message could not be delivered to kim@example.org: 552 mailbox full.\n"
         "If you have questions, contact <support@isp.example>.\n",
         "kim@example.org", "", "552"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        const auto results = scanErrorText(row.text, {"me@origin.example"}, verpmail::ParseLimits{});
        ASSERT_EQ(results.size(), 1u);
        EXPECT_EQ(results[0].address, row.wantAddress);
        EXPECT_EQ(results[0].status, row.wantStatus);
        EXPECT_EQ(results[0].replyCode, row.wantReply);
    }
}

TEST(NonStandardFormats, FindsQuotedOriginal)
{
    const std::string text = "error text\n\n--- Below this line is a copy of the message.\n\nReturn-Path: <a@b.example>\n";
    std::size_t content = 0;
    const std::size_t at = findOriginalStart(text, &content);
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(text.substr(0, at), "error text\n\n");
    EXPECT_EQ(text.substr(content), "\nReturn-Path: <a@b.example>\n");
    EXPECT_EQ(findOriginalStart("just prose\n"), std::string::npos);
    // The shortest markers decide alone on a line, trimmed or not; a line one byte
    // shorter holds none.
    EXPECT_EQ(findOriginalStart("x\n\tThe header and top\n"), 2u);
    EXPECT_EQ(findOriginalStart("your message reads"), 0u);
    EXPECT_EQ(findOriginalStart("he header and top\nour message reads\n"), std::string::npos);
    // No marker: a copied header after a rule of dashes, its first field folded.
    const std::string ruled = "rejected.\n-----------\nReceived: from a.example\n  by b.example\nFrom: x@a.example\n";
    EXPECT_EQ(findOriginalStart(ruled), ruled.find("Received:"));
    EXPECT_EQ(findOriginalStart("rejected.\n-----------\nReceived: from a.example\n  by b.example\nplain prose\n"),
              std::string::npos);
}

// An address's error starts at the start of its line, which is looked for back from
// the '@' sixteen bytes at a time: lines of every length before the '@' up to 70
// bytes, after a short line and a line of every length up to 40 or none.
TEST(NonStandardFormats, AnAddresssErrorStartsWhereItsLineStarts)
{
    for (std::size_t first = 0; first <= 40; ++first)
        for (std::size_t before = 0; before <= 70; ++before)
        {
            const std::string head = first == 0 ? "" : std::string(first - 1, 'h') + "\n";
            std::string words;
            for (std::size_t i = 0; i < before; ++i)
                words += i % 5 == 4 ? ' ' : static_cast<char>('a' + i % 26);
            const std::string line = words + (words.empty() || words.back() == ' ' ? "" : " ") +
                                     "u@example.org 550 5.1.1 unknown\n";
            const std::string text = "x\n" + head + line + "more\n";
            SCOPED_TRACE(text);
            const auto results = scanErrorText(text, {}, verpmail::ParseLimits{});
            ASSERT_EQ(results.size(), 1u);
            EXPECT_EQ(results[0].diagnostic, collapseDiagnostic(line + "more\n", 1000));
        }
}

TEST(NonStandardFormats, RecognisesBounceHeadersAndDelays)
{
    EXPECT_TRUE(looksLikeBounceHeader(HeaderBlock::parse("From: Mail Delivery System <MAILER-DAEMON@example.org>\n", 1000)));
    EXPECT_FALSE(looksLikeBounceHeader(HeaderBlock::parse("From: friend@example.org\nSubject: lunch?\n", 1000)));
    EXPECT_TRUE(isDelayNotice("No action is required on your part. Delivery attempts will continue"));
    EXPECT_TRUE(isDelayNotice("# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #"));   // Postfix
    EXPECT_TRUE(isDelayNotice("Subject: Delayed Mail (still being retried)"));
    EXPECT_FALSE(isDelayNotice("This is a permanent error."));
    // MDaemon's final failure also says there is no need to resend (to the others).
    EXPECT_FALSE(isDelayNotice("The attached message had PERMANENT fatal delivery errors!\n"
                               "YOU DO NOT NEED TO RESEND YOUR MESSAGE TO ANY OF THE VALID RECIPIENTS"));
}

TEST(NonStandardFormats, RepeatedListEndsTheErrorOfAnotherAddress)
{
    // A report in two languages lists the same addresses twice; the second list
    // must not lend the first address's error to the last one. The repeat may be
    // spelled in another case; the first spelling is kept (its domain lower-cased).
    const std::string second[] = {"  one@example.jp\n", "  <ONE@example.jp>:\n"};
    for (const auto& first : {"  one@example.jp\n", "  One@Example.JP\n"})
        for (const auto& repeat : second)
        {
            SCOPED_TRACE(first + repeat);
            const std::string text = std::string(first) + "    550 5.1.1 User Unknown\n\n" +
                                     "  two@example.jp\n    552 5.2.2 Mailbox full\n\n" + "Second language:\n" +
                                     repeat + "    550 5.1.1 User Unknown\n";
            const auto results = scanErrorText(text, {}, verpmail::ParseLimits{});
            ASSERT_EQ(results.size(), 2u);
            EXPECT_EQ(results[0].address, first[2] == 'O' ? "One@example.jp" : "one@example.jp");
            EXPECT_EQ(results[1].address, "two@example.jp");
            EXPECT_EQ(results[1].diagnostic.find("User Unknown"), std::string::npos) << results[1].diagnostic;
        }
}

TEST(NonStandardFormats, ErrorTextMayEndWithoutNewline)
{
    // An address's error is its lines each with a '\n', whether or not the text has
    // the last one.
    for (const std::string end : {"", "\n"})
    {
        SCOPED_TRACE(end.empty() ? "no final newline" : "final newline");
        const auto own = scanErrorText("  a@example.jp\n    550 5.1.1 User unknown in reply to RCPT TO" + end, {},
                                       verpmail::ParseLimits{});
        ASSERT_EQ(own.size(), 1u);
        EXPECT_EQ(own[0].diagnostic, "a@example.jp 550 5.1.1 User unknown in reply to RCPT TO");
        EXPECT_EQ(own[0].smtpCommand, "RCPT");
        const auto shared = scanErrorText("Could not be delivered because of\n\n550 5.1.1 User unknown\n\n"
                                          "The following recipients were affected:\n    gone@example.org" + end,
                                          {}, verpmail::ParseLimits{});
        ASSERT_EQ(shared.size(), 1u);
        EXPECT_EQ(shared[0].diagnostic, "Could not be delivered because of 550 5.1.1 User unknown The following "
                                        "recipients were affected: gone@example.org");
        EXPECT_EQ(shared[0].status, "5.1.1");
    }
}

TEST(NonStandardFormats, ErrorTextIsWholeLinesUpToAboutFourKilobytes)
{
    // Lines are taken while fewer than 4000 bytes are gathered: a stage named after
    // a long line is still read, one after the bound is not.
    const auto stage = [](std::size_t filler) {
        const std::string text = "  a@example.jp\n" + std::string(filler, 'x') + "\n550 denied in reply to RCPT TO\n";
        const auto results = scanErrorText(text, {}, verpmail::ParseLimits{});
        return results.size() == 1 ? results[0].smtpCommand : "?";
    };
    EXPECT_EQ(stage(3000), "RCPT");
    EXPECT_EQ(stage(3983), "RCPT");  // 15 + 3984 bytes gathered: one line more
    EXPECT_EQ(stage(3984), "");      // 15 + 3985 = 4000: the bound
    // The line the bound falls in is taken whole, the next one not (3916 + 83 bytes
    // gathered is below 4000, + 84 is not); with or without a final newline, and
    // when the address's error runs to the end of the text.
    for (const std::string end : {"", "\n"})
    {
        SCOPED_TRACE(end.empty() ? "no final newline" : "final newline");
        const std::string head = "  a@example.jp\n" + std::string(3900, 'x') + "\n";
        const auto command = [](const std::string& text) {
            const auto results = scanErrorText(text, {}, verpmail::ParseLimits{});
            return results.size() == 1 ? results[0].smtpCommand : "?";
        };
        EXPECT_EQ(command(head + std::string(200, 'y') + " in reply to RCPT TO" + end), "RCPT");
        EXPECT_EQ(command(head + std::string(200, 'y') + "\nin reply to RCPT TO" + end), "");
        EXPECT_EQ(command(head + std::string(82, 'y') + "\nin reply to RCPT TO" + end), "RCPT");
        EXPECT_EQ(command(head + std::string(83, 'y') + "\nin reply to RCPT TO" + end), "");
    }
}

TEST(NonStandardFormats, ReadsTheLinesThatHoldAnAddress)
{
    // The scan goes from '@' to '@'; each address's error is still its whole lines.
    struct Row { const char* name; std::string text; std::vector<std::string> addresses; const char* firstDiagnostic; };
    const Row rows[] = {
        {"first line, then another", "a@example.jp: 550 unknown\nb@example.jp: 552 full\n",
         {"a@example.jp", "b@example.jp"}, "a@example.jp: 550 unknown"},
        {"two on one line", "prose\none@example.jp, two@example.jp\n550 no such users\n",
         {"one@example.jp", "two@example.jp"}, "one@example.jp, two@example.jp 550 no such users"},
        {"an over-long line is passed over", "x@" + std::string(5000, 'y') + ".example\nc@example.jp 550 no\n",
         {"c@example.jp"}, "c@example.jp 550 no"},
        {"no address", "550 no such user\n", {}, ""},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        const auto results = scanErrorText(row.text, {}, verpmail::ParseLimits{});
        std::vector<std::string> addresses;
        for (const auto& result : results)
            addresses.push_back(result.address);
        EXPECT_EQ(addresses, row.addresses);
        if (!results.empty())
        {
            EXPECT_EQ(results[0].diagnostic, row.firstDiagnostic);
        }
    }
}

TEST(NonStandardFormats, ScanInTwoStepsGivesScanErrorTextsResults)
{
    // ErrorTextScan finds the addresses at once and describes one when asked; each
    // description is scanErrorText's result for it (the command only when asked for).
    const struct
    {
        const char* name;
        std::string text;
        std::vector<std::string_view> exclude;
        std::vector<std::string> fallback;
    } rows[] = {
        {"several, one error each",
         "<a@example.org>:\n550 5.1.1 unknown (in reply to RCPT TO command)\n<b@example.org>:\n552 5.2.2 full\n",
         {},
         {}},
        {"error given once before the list",
         "Could not be delivered because of\n\n550 5.1.1 User unknown after RCPT TO\n\n"
         "The following recipients were affected:\n    a@example.org\n    b@example.org\n",
         {},
         {}},
        {"a repeated address ends the other's error",
         "a@example.org: 550 no such user\nb@example.org: 554 refused after DATA\n\nSummary:\na@example.org\n",
         {},
         {}},
        {"only excluded and daemon addresses",
         "From: MAILER-DAEMON@relay.example\nme@sender.example could not send\n",
         {"me@sender.example"},
         {}},
        {"the fallback applies", "Delivery failed: 550 mailbox unavailable\n", {}, {"to@example.net"}},
        {"nothing at all", "", {}, {}},
    };
    const verpmail::ParseLimits limits;
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        const auto whole = scanErrorText(row.text, row.exclude, limits, row.fallback);
        const ErrorTextScan scan(row.text, row.exclude, limits, row.fallback);
        if (scan.fallbackApplies())
        {
            ASSERT_EQ(whole.size(), 1u);
            EXPECT_EQ(whole[0].address, row.fallback.front());
            EXPECT_EQ(scan.size(), 0u);
            continue;
        }
        ASSERT_EQ(scan.size(), whole.size());
        for (std::size_t i = 0; i < scan.size(); ++i)
        {
            EXPECT_EQ(scan.address(i), whole[i].address);
            const auto described = scan.describe(i);
            EXPECT_EQ(described.address, whole[i].address);
            EXPECT_EQ(described.diagnostic, whole[i].diagnostic);
            EXPECT_EQ(described.status, whole[i].status);
            EXPECT_EQ(described.replyCode, whole[i].replyCode);
            EXPECT_EQ(described.smtpCommand, whole[i].smtpCommand);
            EXPECT_EQ(scan.describe(i).diagnostic, whole[i].diagnostic);
        }
    }
    // The first row's errors are told apart (the test would pass vacuously otherwise).
    const auto first = scanErrorText(rows[0].text, {}, limits);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].smtpCommand, "RCPT");
    EXPECT_EQ(first[1].status, "5.2.2");
}

TEST(NonStandardFormats, WeakAddressesAreRecognisedInAnyCase)
{
    // Excluded and daemon addresses, in any case, name a recipient only when nothing
    // else does.
    const auto weak = scanErrorText("  Me@Origin.Example\n  550 5.1.1 unknown\n  MAILER-Daemon@x.example\n",
                                    {"me@origin.example"}, verpmail::ParseLimits{});
    ASSERT_EQ(weak.size(), 1u);
    EXPECT_EQ(weak[0].address, "MAILER-Daemon@x.example");
    const auto excluded =
        scanErrorText("  Me@Origin.Example\n  550 5.1.1 unknown\n", {"me@origin.example"}, verpmail::ParseLimits{});
    ASSERT_EQ(excluded.size(), 1u);
    EXPECT_EQ(excluded[0].address, "Me@origin.example");
}

TEST(NonStandardFormats, ExcludedAddressesAreGivenInAnyCase)
{
    // The parser passes the header's and candidates' addresses as written, not
    // lower-cased: each row's text names an excluded address and a recipient.
    const struct
    {
        std::string_view exclude;
        std::string text;
    } rows[] = {
        {"me@origin.example", "  ME@ORIGIN.EXAMPLE\n  x@y.example: 550 5.1.1 unknown\n"},
        {"Me@Origin.Example", "  me@origin.example\n  x@y.example: 550 5.1.1 unknown\n"},
        {"ME@ORIGIN.EXAMPLE", "  mE@oRiGiN.eXaMpLe\n  x@y.example: 550 5.1.1 unknown\n"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.exclude);
        const auto results = scanErrorText(row.text, {"other@z.example", row.exclude}, verpmail::ParseLimits{});
        ASSERT_EQ(results.size(), 1u);
        EXPECT_EQ(results[0].address, "x@y.example");
        // A longer or shorter address that folds alike only in part is not excluded.
        const auto near = scanErrorText(row.text, {std::string(row.exclude) + "x"}, verpmail::ParseLimits{});
        EXPECT_EQ(near.size(), 2u);
    }
}

TEST(NonStandardFormats, ScanGivesAddressesAsWrittenAndWithTheirDomainLowerCased)
{
    const struct
    {
        std::string text;
        std::string_view asWritten;
        std::string_view folded;
    } rows[] = {
        {"  User@Example.ORG: 550 unknown\n", "User@Example.ORG", "User@example.org"},
        {"<MiXeD.Local@MX.Sub.Example>:\n550 5.1.1 no such user\n", "MiXeD.Local@MX.Sub.Example",
         "MiXeD.Local@mx.sub.example"},
        {"lower@example.net said 550\n", "lower@example.net", "lower@example.net"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.text);
        const ErrorTextScan scan(row.text, {}, verpmail::ParseLimits{});
        ASSERT_EQ(scan.size(), 1u);
        EXPECT_EQ(scan.addressAsWritten(0), row.asWritten);
        EXPECT_EQ(scan.address(0), row.folded);
        EXPECT_EQ(scan.describe(0).address, row.folded);
    }
}

TEST(NonStandardFormats, ManyAddressesKeepTheirOrderAndBounds)
{
    // Past a few dozen distinct addresses the seen ones are held differently; repeats
    // in another case are still recognised, order is kept, and the bounds hold.
    std::string text;
    for (int i = 0; i < 60; ++i)
        text += "  user" + std::to_string(i) + "@example.jp\n  550 5.1.1 unknown\n";
    for (int i = 0; i < 60; ++i)
        text += "  USER" + std::to_string(i) + "@EXAMPLE.JP\n";
    const auto all = scanErrorText(text, {}, verpmail::ParseLimits{});
    ASSERT_EQ(all.size(), 60u);
    for (int i = 0; i < 60; ++i)
        EXPECT_EQ(all[i].address, "user" + std::to_string(i) + "@example.jp");
    EXPECT_EQ(all[59].diagnostic, "user59@example.jp 550 5.1.1 unknown");

    verpmail::ParseLimits limits;
    limits.maxRecipients = 7;
    const auto bounded = scanErrorText(text, {}, limits);
    ASSERT_EQ(bounded.size(), 7u);
    EXPECT_EQ(bounded[6].address, "user6@example.jp");

    // At most 20 addresses are read from one line.
    std::string line;
    for (int i = 0; i < 30; ++i)
        line += "a" + std::to_string(i) + "@example.jp ";
    const auto oneLine = scanErrorText(line + "\n", {}, verpmail::ParseLimits{});
    ASSERT_EQ(oneLine.size(), 20u);
    EXPECT_EQ(oneLine[19].address, "a19@example.jp");
}

// A plain-text notice names the host it talked to: a mobile carrier's user-unknown
// answer after DATA is then as ambiguous as in a delivery-status part.
TEST(NonStandardFormats, TextNamesTheRemoteHostForTheClassifier)
{
    const char* text =
        "   ----- The following addresses had permanent fatal errors -----\n"
        "<kim@carrier.example.ne.jp>\n    (reason: 550 Unknown user kim@carrier.example.ne.jp)\n\n"
        "   ----- Transcript of session follows -----\n"
        "... while talking to mfsmax.carrier.example.ne.jp.:\n>>> DATA\n"
        "<<< 550 Unknown user kim@carrier.example.ne.jp\n554 5.0.0 Service unavailable\n";
    const auto results = scanErrorText(text, {}, verpmail::ParseLimits{});
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].remoteMta, "mfsmax.carrier.example.ne.jp");
    EXPECT_EQ(results[0].smtpCommand, "DATA");
    const verpmail::Classification c = verpmail::classify(verpmail::ReturnKind::Bounce, results[0]);
    EXPECT_EQ(c.bounceClass, verpmail::BounceClass::Soft) << c.reason;
    // The same answer from any other host is a dead address.
    std::string other = text;
    other.replace(other.find("mfsmax."), 7, "mx.");
    const auto plain = scanErrorText(other, {}, verpmail::ParseLimits{});
    ASSERT_EQ(plain.size(), 1u);
    EXPECT_EQ(verpmail::classify(verpmail::ReturnKind::Bounce, plain[0]).bounceClass, verpmail::BounceClass::Hard);
}

// Postfix's local(8) and pipe(8) quote the delivery program: its failure is the
// program's (mailererror), whatever the exit code's words, unless the mailbox is full.
TEST(NonStandardFormats, ADeliveryProgramsOutputIsAMailerError)
{
    const struct
    {
        const char* text;
        const char* wantReason;
    } rows[] = {
        {"<box@mail.example.net> (expanded from <kim@example.org>): user\n    unknown. Command output: procmail: "
         "Couldn't create \"/var/mail/box\"\n",
         "mailererror"},
        {"<kim@example.org>: permission denied. Command output: maildrop: maildir over quota.\n", "mailboxfull"},
        {"<kim@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 user unknown\n", "userunknown"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.text);
        const auto results = scanErrorText(row.text, {}, verpmail::ParseLimits{});
        ASSERT_EQ(results.size(), 1u);
        EXPECT_EQ(verpmail::classify(verpmail::ReturnKind::Bounce, results[0]).reason, row.wantReason);
    }
}
