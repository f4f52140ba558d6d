#include "check/ReturnCheck.h"

#include "SmtpBatch.h"
#include "TlsClientContext.h"

#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/mail/EmailAddress.h"
#include "verpmail/store/TrackerStore.h"
#include "verpmail/util/Printable.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Thread.h>
#include <Poco/Timestamp.h>

#include <unistd.h>

#include <memory>

namespace verpmail::check {
namespace {

std::int64_t lastReturnId(MysqlConnection& db)
{
    MysqlStatement st = db.prepare("SELECT COALESCE(MAX(id), 0) FROM bounce_logs");
    st.execute();
    return st.fetch() ? st.integer(0) : 0;
}

bool isMember(MysqlConnection& db, const std::string& email)
{
    MysqlStatement st = db.prepare("SELECT COUNT(*) FROM members WHERE email = ?");
    st.execute({email});
    return st.fetch() && st.integer(0) > 0;
}

// Submits the return as the sender submits its mail; "" when the server took it,
// else what it said.
std::string submit(const SmtpSettings& smtp, const std::string& verp, std::string message)
{
    std::unique_ptr<TlsClientContext> tls;
    if (smtp.starttls != StarttlsMode::No)
        tls = std::make_unique<TlsClientContext>(smtp.tlsCaFile, smtp.tlsVerify);
    SmtpBatch batch(smtp, "", tls.get());
    // A return's envelope sender is null, as every DSN's is.
    batch.add("", verp, std::move(message));
    batch.run();
    const SubmitResult& r = batch.results().at(0);
    if (r.outcome == SubmitOutcome::Accepted)
        return "";
    return std::to_string(r.code) + " " + r.enhanced + " " + r.text;
}

// Polls for the row the bouncer writes; nullopt on time-out.
std::optional<std::string> waitForRow(MysqlConnection& db, const std::string& email, std::int64_t after,
                                      unsigned timeoutSeconds)
{
    MysqlStatement st = db.prepare("SELECT id, bounce_type, bounce_reason, status_code FROM bounce_logs"
                                   " WHERE id > ? AND email = ? ORDER BY id LIMIT 1");
    const Poco::Timestamp start;
    while (start.elapsed() < Poco::Timestamp::TimeDiff(timeoutSeconds) * 1000000) {
        st.execute({after, email});
        if (st.fetch())
            return "bounce_logs id=" + st.text(0) + " type=" + st.text(1) + " reason=" + st.text(2) +
                   " status=" + st.text(3) + " after " + std::to_string(start.elapsed() / 1000000) + " s";
        Poco::Thread::sleep(500);
    }
    return std::nullopt;
}

} // namespace

std::string syntheticReturn(const std::string& verpAddress, const std::string& member, const std::string& messageId,
                            const std::string& date)
{
    const std::string b = "verpmail-check." + messageId.substr(0, messageId.find('@'));
    const std::string text =
        "Date: " + date + "\n"
        "From: Mail Delivery System <MAILER-DAEMON@verpmail-check.invalid>\n"
        "Subject: Delayed Mail (still being retried)\n"
        "To: " + verpAddress + "\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"" + b + "\"\n"
        "Message-Id: <" + messageId + ">\n"
        "\n"
        "This is a MIME-encapsulated message.\n"
        "\n--" + b + "\n"
        "Content-Description: Notification\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "\n"
        "This is a synthetic delay notice from verpmail-admin check --return. It tests\n"
        "that returns to the VERP address are recorded. Nothing failed.\n"
        "\n--" + b + "\n"
        "Content-Description: Delivery report\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns; verpmail-check.invalid\n"
        "Arrival-Date: " + date + "\n"
        "\n"
        "Final-Recipient: rfc822; " + member + "\n"
        "Action: delayed\n"
        "Status: 4.4.7\n"
        "Diagnostic-Code: x-verpmail; synthetic return from verpmail-admin check\n"
        "\n--" + b + "\n"
        "Content-Description: Undelivered Message Headers\n"
        "Content-Type: text/rfc822-headers\n"
        "\n"
        "Return-Path: <" + verpAddress + ">\n"
        "From: verpmail-admin check <MAILER-DAEMON@verpmail-check.invalid>\n"
        "To: <" + member + ">\n"
        "Subject: verpmail-admin check --return\n"
        "\n--" + b + "--\n";
    std::string wire;
    for (char c : text) {
        if (c == '\n')
            wire += '\r';
        wire += c;
    }
    return wire;
}

ExitStatus checkReturn(const Poco::Util::AbstractConfiguration& config, const std::string& address,
                       unsigned timeoutSeconds, CheckReport& report)
{
    const std::optional<EmailAddress> member = EmailAddress::parse(address);
    if (!member) {
        report.fail("return.member", "\"" + printable(address, 80) + "\" is not an address", "give a member's address");
        return ExitStatus::DataErr;
    }
    MysqlConnection db(mysqlOptionsFrom(config));
    const std::optional<TrackerRow> tracker = TrackerStore(db).find(member->str());
    if (!isMember(db, member->str()) || !tracker) {
        report.fail("return.member", member->str() + " is not a member that was ever mailed (no members or tracker row)",
                    "give the address of a member verpmail-send has mailed");
        return ExitStatus::DataErr;
    }
    const VerpCodec codec(verpSettingsFrom(config));
    const std::string verp = codec.envelopeSender(*member);
    report.ok("return.member", member->str() + " is a member; its VERP address is " + verp);
    if (codec.localPart(*member) != tracker->encodedFrom)
        report.warn("return.tracker", "the tracker holds " + tracker->encodedFrom + ", not " + codec.localPart(*member) +
                                          ": verp.keyFile changed since the last send",
                    "returns of mail sent under the old key need that key (back it up before changing it)");

    const std::int64_t after = lastReturnId(db);
    const std::string id = "check." + std::to_string(Poco::Timestamp().epochMicroseconds()) + "." +
                           std::to_string(::getpid()) + "@verpmail-check.invalid";
    const std::string date = Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::RFC1123_FORMAT);
    const SmtpSettings smtp = smtpSettingsFrom(config);
    std::string refused;
    try {
        refused = submit(smtp, verp, syntheticReturn(verp, member->str(), id, date));
    } catch (const std::exception& e) {
        refused = e.what();
    }
    if (!refused.empty()) {
        report.fail("return.submit", smtp.server + " did not take the return: " + printable(refused, 200),
                    "see smtp.* and the mail log");
        return ExitStatus::Unavailable;
    }
    report.ok("return.submit", smtp.server + " took a delay notice to " + verp);
    if (std::optional<std::string> row = waitForRow(db, member->str(), after, timeoutSeconds)) {
        report.ok("return.recorded", *row);
        return ExitStatus::Ok;
    }
    report.fail("return.recorded", "no bounce_logs row for " + member->str() + " within " +
                                       std::to_string(timeoutSeconds) + " s",
                "see the mail log (postqueue -p shows a deferred return) and the bouncer's log");
    return ExitStatus::TempFail;
}

} // namespace verpmail::check
