#include "check/SubmissionCheck.h"

#include "check/DaemonCheck.h"

#include "verpmail/util/Printable.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

namespace verpmail::check {
namespace {

// EHLO's reply as DialogSocket gives it: its lines, "250-KEYWORD" up to "250 KEYWORD".
bool offersChunking(const std::string& ehloReply)
{
    const Poco::StringTokenizer lines(ehloReply, "\n", Poco::StringTokenizer::TOK_TRIM);
    for (const std::string& line : lines)
        if (line.size() > 4 && Poco::icompare(line.substr(4), "CHUNKING") == 0)
            return true;
    return false;
}

} // namespace

void checkSubmission(const std::string& server, CheckReport& report)
{
    const std::string name = "smtp.server";
    try {
        const HelloExchange hello = exchangeHello(server, "EHLO verpmail-admin.check");
        if (hello.greeted != 220 || hello.answered != 250)
            report.fail(name, server + " answers " + hello.codes() + ": " +
                                  printable(hello.greeting.substr(0, hello.greeting.find('\n')), 120),
                        "see the mail log of the server at smtp.server");
        else if (offersChunking(hello.reply))
            report.warn("smtp.chunking",
                        server + " offers CHUNKING: verpmail-send's messages then wait for delayed ACKs, "
                                 "about 40 ms each",
                        "submit through a listener without it: postfix-setup --submission (127.0.0.1:10028), "
                        "or -o smtpd_discard_ehlo_keywords=chunking");
        else
            report.ok(name, server + " answers EHLO without CHUNKING");
    } catch (const Poco::Exception& e) {
        report.fail(name, server + ": " + e.displayText(), "start Postfix, or correct smtp.server");
    }
}

} // namespace verpmail::check
