#include "check/DaemonCheck.h"

#include "verpmail/util/Printable.h"

#include <Poco/Net/DialogSocket.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>

namespace verpmail::check {
namespace {

const Poco::Timespan kTimeout(5, 0);
constexpr const char* kStartHint = "start verpmail-bouncer --lmtp (systemctl start verpmail-lmtp)";

// address: what Poco's SocketAddress reads ("host:port", "/path").
Poco::Net::DialogSocket connectTo(const std::string& address)
{
    Poco::Net::DialogSocket socket;
    socket.connect(Poco::Net::SocketAddress(address), kTimeout);
    socket.setReceiveTimeout(kTimeout);
    socket.setSendTimeout(kTimeout);
    return socket;
}

std::string firstLine(const std::string& text)
{
    return printable(text.substr(0, text.find('\n')), 120);
}

void checkLmtp(const std::string& listen, CheckReport& report)
{
    const std::string name = "daemon.lmtp";
    try {
        const HelloExchange hello = exchangeHello(socketAddressText(listen), "LHLO verpmail-admin.check");
        if (hello.greeted == 220 && hello.answered == 250)
            report.ok(name, listen + " answers LHLO: " + firstLine(hello.greeting));
        else
            report.fail(name, listen + " answers " + hello.codes() + ": " + firstLine(hello.greeting + "\n" + hello.reply),
                        "see the bouncer's log (syslog LOG_MAIL)");
    } catch (const Poco::Exception& e) {
        report.fail(name, listen + ": " + e.displayText(), kStartHint);
    }
}

void checkPolicy(const std::string& listen, const std::string& domain, CheckReport& report)
{
    const std::string name = "daemon.policy";
    try {
        Poco::Net::DialogSocket socket = connectTo(socketAddressText(listen));
        socket.sendString("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
                          "client_address=127.0.0.1\nsender=\nrecipient=verpmail-check@" + domain + "\n\n");
        std::string line;
        std::string action;
        while (socket.receiveMessage(line) && !line.empty()) {
            if (line.rfind("action=", 0) == 0)
                action = line.substr(7);
            line.clear();
        }
        if (!action.empty())
            report.ok(name, listen + " answers: action=" + printable(action, 120));
        else
            report.fail(name, listen + " gave no action= answer", "see the bouncer's log (syslog LOG_MAIL)");
    } catch (const Poco::Exception& e) {
        report.fail(name, listen + ": " + e.displayText(), kStartHint);
    }
}

} // namespace

void checkDaemon(const std::vector<std::string>& lmtpListen, const std::string& policyListen,
                 const std::string& bounceDomain, CheckReport& report)
{
    for (const std::string& listen : lmtpListen) {
        if (socketAddressText(listen).empty())
            report.fail("daemon.lmtp", "bouncer.lmtp.listen has \"" + printable(listen, 80) + "\"",
                        "use unix:/PATH or inet:HOST:PORT");
        else
            checkLmtp(listen, report);
    }
    if (policyListen.empty())
        return;
    if (socketAddressText(policyListen).empty())
        report.fail("daemon.policy", "bouncer.policy.listen is \"" + printable(policyListen, 80) + "\"",
                    "use unix:/PATH or inet:HOST:PORT");
    else
        checkPolicy(policyListen, bounceDomain, report);
}

HelloExchange exchangeHello(const std::string& address, const std::string& hello)
{
    Poco::Net::DialogSocket socket = connectTo(address);
    HelloExchange exchange;
    exchange.greeted = socket.receiveStatusMessage(exchange.greeting);
    socket.sendMessage(hello);
    exchange.answered = socket.receiveStatusMessage(exchange.reply);
    socket.sendMessage("QUIT");
    // Read the goodbye, so the server's reply does not meet a closed socket.
    std::string bye;
    socket.receiveStatusMessage(bye);
    return exchange;
}

std::string socketAddressText(const std::string& listen)
{
    const std::string text = Poco::trim(listen);
    if (Poco::icompare(text.substr(0, 5), "unix:") == 0 && text.size() > 6 && text[5] == '/')
        return text.substr(5);
    if (Poco::icompare(text.substr(0, 5), "inet:") == 0 && text.size() > 5)
        return text.substr(5);
    return "";
}

} // namespace verpmail::check
