#include "check/PostfixChecks.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <algorithm>
#include <tuple>

namespace verpmail::check {
namespace {

constexpr const char* kSetupHint = " (scripts/postfix-setup writes it; postfix-conf/README.md explains each line)";

std::string normalEndpoint(std::string text)
{
    text = Poco::toLower(Poco::trim(text));
    if (text.rfind("inet:", 0) == 0)
        text = text.substr(5);
    text.erase(std::remove(text.begin(), text.end(), '['), text.end());
    text.erase(std::remove(text.begin(), text.end(), ']'), text.end());
    return text;
}

// The bounce domain's transport: the first transport_maps table that has it.
std::optional<std::string> findTransport(const Postconf& pc, const std::string& domain, CheckReport& report)
{
    const std::optional<std::string> maps = pc.parameter("transport_maps");
    if (!maps || maps->empty()) {
        report.fail("postfix.transport", "transport_maps is empty in " + pc.directory() + "/main.cf",
                    "set transport_maps = hash:" + pc.directory() + "/transport with the line \"" + domain +
                        " verpmail-lmtp:unix:/run/verpmail/lmtp.sock\"" + kSetupHint);
        return std::nullopt;
    }
    std::string problems;
    for (const std::string& map : splitPostfixList(*maps)) {
        std::string problem;
        if (std::optional<std::string> value = pc.lookup(map, domain, problem)) {
            report.ok("postfix.transport", map + ": " + domain + " -> " + *value);
            return value;
        }
        if (!problem.empty())
            problems += "; " + map + ": " + problem;
    }
    report.fail("postfix.transport", "no entry for " + domain + " in transport_maps (" + *maps + ")" + problems,
                "add \"" + domain + " verpmail-lmtp:unix:/run/verpmail/lmtp.sock\" (or \"" + domain +
                    " verpmail:\" in pipe mode) to the transport table, then postmap it" + kSetupHint);
    return std::nullopt;
}

// The bouncer serves bouncer.lmtp.threads connections at once; a connection Postfix
// opens beyond them gets no greeting until another closes, and its delivery waits
// for a time-out and is deferred.
void checkLmtpConcurrency(const Postconf& pc, const PostfixWiring& w, const PostfixExpectations& want,
                          CheckReport& report)
{
    const std::string name = w.service + "_destination_concurrency_limit";
    const std::string value = pc.parameter(name).value_or(pc.parameter("default_destination_concurrency_limit").value_or("20"));
    unsigned long limit = 0;
    if (!Poco::NumberParser::tryParseUnsigned64(value, limit)) {
        report.warn("postfix.lmtp.concurrency", name + " = " + value + ": not a number", "set it to a number");
        return;
    }
    const std::string threads = std::to_string(want.lmtpThreads);
    if (limit == 0 || limit > want.lmtpThreads)
        report.warn("postfix.lmtp.concurrency",
                    name + " = " + value + " allows more deliveries at once than bouncer.lmtp.threads (" + threads +
                        "): the connections beyond them wait, then their returns are deferred",
                    "postconf -e '" + name + " = " + threads + "' (or raise bouncer.lmtp.threads)");
    else
        report.ok("postfix.lmtp.concurrency", name + " = " + value + ", bouncer.lmtp.threads = " + threads);
}

void checkLmtpService(const Postconf& pc, const std::vector<std::string>& fields, PostfixWiring& w,
                      const PostfixExpectations& want, CheckReport& report)
{
    const std::string name = "postfix.service." + w.service;
    if (fields.size() > 4 && fields[4] == "y")
        report.fail(name, "chrooted (chroot field y): lmtp(8) cannot reach a socket outside the queue directory",
                    "set the chroot field of " + w.service + " to n in " + pc.directory() + "/master.cf");
    const std::optional<std::string> limit = pc.serviceParameter(w.service, "unix", "lmtp_line_length_limit");
    const std::string value = limit ? *limit : pc.parameter("lmtp_line_length_limit").value_or("998");
    if (value != "0")
        report.fail(name, "lmtp_line_length_limit = " + value + ": lmtp(8) folds longer lines of a return",
                    "add \"  -o lmtp_line_length_limit=0\" under " + w.service + " in " + pc.directory() + "/master.cf");
    else
        report.ok(name, "lmtp(8) service, lmtp_line_length_limit = 0");

    checkLmtpConcurrency(pc, w, want, report);

    bool listened = false;
    for (const std::string& listen : want.lmtpListen)
        listened = listened || sameEndpoint(w.nexthop, listen);
    if (listened)
        report.ok("postfix.lmtp.nexthop", w.nexthop + " is in bouncer.lmtp.listen");
    else
        report.fail("postfix.lmtp.nexthop",
                    "the transport delivers to " + w.nexthop + ", not to a bouncer.lmtp.listen address",
                    "make the transport's next hop one of the bouncer's listen addresses (unix:PATH)");
}

void checkPolicyService(const Postconf& pc, const PostfixExpectations& want, CheckReport& report)
{
    if (want.policyListen.empty()) {
        report.warn("postfix.policy", "bouncer.policy.listen is empty: smtpd cannot ask which local parts are ours",
                    "set bouncer.policy.listen and verpmail_bounce_domain = check_policy_service ...");
        return;
    }
    // The recipient restrictions, plus what they reach for the bounce domain: the
    // value an access map gives it, and the restriction classes named on the way.
    std::string text = pc.parameter("smtpd_recipient_restrictions").value_or("");
    const std::vector<std::string> classes = splitPostfixList(pc.parameter("smtpd_restriction_classes").value_or(""));
    const std::vector<std::string> words = splitPostfixList(text);
    std::string reached;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        std::string ignored;
        if (words[i] == "check_recipient_access")
            reached += " " + pc.lookup(words[i + 1], want.bounceDomain, ignored).value_or("");
    }
    for (const std::string& word : splitPostfixList(text + " " + reached))
        if (std::find(classes.begin(), classes.end(), word) != classes.end())
            reached += " " + pc.parameter(word).value_or("");
    if (mentionsPolicyService(text + " " + reached, want.policyListen))
        report.ok("postfix.policy", "smtpd asks check_policy_service " + want.policyListen + " about " + want.bounceDomain);
    else
        report.fail("postfix.policy",
                    "smtpd_recipient_restrictions never reach check_policy_service for " + want.policyListen,
                    "add check_recipient_access texthash:" + pc.directory() +
                        "/verpmail_recipient_access to smtpd_recipient_restrictions and set verpmail_bounce_domain "
                        "= check_policy_service " + want.policyListen + kSetupHint);
}

void checkPipeService(const Postconf& pc, const std::string& line, PostfixWiring& w, const PostfixExpectations& want,
                      CheckReport& report)
{
    w.pipeUser = pipeUserOf(line);
    const std::string name = "postfix.service." + w.service;
    if (w.pipeUser.empty())
        report.fail(name, "pipe service without user=", "add user=verpmail to " + w.service + " in " + pc.directory() +
                                                            "/master.cf");
    else
        report.ok(name, "pipe(8) service, user=" + w.pipeUser);
    // Postfix must not kill the bouncer before it gives up by itself with exit 75.
    const std::string timeLimit = pc.parameter(w.service + "_time_limit").value_or("");
    const std::optional<unsigned long> seconds = postfixSeconds(timeLimit);
    if (!seconds || *seconds <= want.bouncerTimeLimit)
        report.fail("postfix.timeLimit",
                    w.service + "_time_limit = " + (timeLimit.empty() ? "unset" : timeLimit) +
                        ", not above bouncer.timeLimit (" + std::to_string(want.bouncerTimeLimit) + " s)",
                    "postconf -c " + pc.directory() + " -e " + w.service + "_time_limit=" +
                        std::to_string(want.bouncerTimeLimit * 2) + "s");
    else
        report.ok("postfix.timeLimit", w.service + "_time_limit = " + timeLimit + ", above bouncer.timeLimit");
    const std::string limit = pc.parameter(w.service + "_destination_recipient_limit").value_or("");
    if (limit != "1")
        report.fail("postfix.recipientLimit",
                    w.service + "_destination_recipient_limit = " + (limit.empty() ? "unset" : limit) +
                        ": the bouncer's argv holds one recipient",
                    "postconf -c " + pc.directory() + " -e " + w.service + "_destination_recipient_limit=1");
    else
        report.ok("postfix.recipientLimit", w.service + "_destination_recipient_limit = 1");
}

// Other MTAs' returns come in over SMTP: smtpd relays only to relay_domains.
void checkRelayDomain(const Postconf& pc, const std::string& domain, CheckReport& report)
{
    const std::string relay = pc.parameter("relay_domains").value_or("");
    bool listed = false;
    for (const std::string& item : splitPostfixList(relay)) {
        std::string ignored;
        if (item.find(':') != std::string::npos)
            listed = listed || pc.lookup(item, domain, ignored).has_value();
        else
            listed = listed || Poco::icompare(item, domain) == 0;
    }
    if (listed)
        report.ok("postfix.relayDomains", domain + " is in relay_domains");
    else
        report.warn("postfix.relayDomains",
                    domain + " is not in relay_domains: other hosts' returns are refused (Relay access denied)",
                    "postconf -c " + pc.directory() + " -e 'relay_domains = " + (relay.empty() ? "" : relay + ", ") +
                        domain + "'");
}

} // namespace

PostfixWiring checkPostfix(const Postconf& pc, const PostfixExpectations& want, CheckReport& report)
{
    PostfixWiring w;
    std::string problem;
    const std::optional<std::string> version = pc.works(problem);
    if (!version) {
        report.fail("postfix.config", "postconf -c " + pc.directory() + " fails: " + problem,
                    "set postfix.configDirectory to Postfix's configuration directory");
        return w;
    }
    report.ok("postfix.config", "Postfix " + *version + ", " + pc.directory());
    const std::optional<std::string> transport = findTransport(pc, want.bounceDomain, report);
    if (!transport)
        return w;
    checkRelayDomain(pc, want.bounceDomain, report);
    std::tie(w.service, w.nexthop) = splitTransport(*transport);
    const std::optional<std::string> line = pc.service(w.service, "unix");
    const std::vector<std::string> fields = splitPostfixList(line.value_or(""), " \t");
    if (!line || fields.size() < 8) {
        report.fail("postfix.service." + w.service, "no \"" + w.service + " unix\" service in " + pc.directory() +
                                                        "/master.cf",
                    "append the service from postfix-conf/master.cf.verpmail" + std::string(kSetupHint));
        return w;
    }
    if (fields[7] == "lmtp") {
        w.mode = BouncerMode::Lmtp;
        checkLmtpService(pc, fields, w, want, report);
        checkPolicyService(pc, want, report);
    } else if (fields[7] == "pipe") {
        w.mode = BouncerMode::Pipe;
        checkPipeService(pc, *line, w, want, report);
    } else {
        report.fail("postfix.service." + w.service, "runs " + fields[7] + ", neither lmtp nor pipe",
                    "route " + want.bounceDomain + " to the verpmail-lmtp or verpmail service" + kSetupHint);
    }
    return w;
}

std::pair<std::string, std::string> splitTransport(const std::string& value)
{
    const std::string v = Poco::trim(value);
    const auto colon = v.find(':');
    if (colon == std::string::npos)
        return {v, ""};
    return {v.substr(0, colon), v.substr(colon + 1)};
}

std::string pipeUserOf(const std::string& masterLine)
{
    for (const std::string& word : splitPostfixList(masterLine)) {
        if (word.rfind("user=", 0) == 0) {
            const std::string user = word.substr(5);
            return user.substr(0, user.find(':'));
        }
    }
    return "";
}

bool sameEndpoint(const std::string& postfixSide, const std::string& listen)
{
    return !postfixSide.empty() && normalEndpoint(postfixSide) == normalEndpoint(listen);
}

bool mentionsPolicyService(const std::string& restrictions, const std::string& listen)
{
    const std::vector<std::string> words = splitPostfixList(restrictions);
    for (std::size_t i = 0; i + 1 < words.size(); ++i)
        if (words[i] == "check_policy_service" && sameEndpoint(words[i + 1], listen))
            return true;
    return false;
}

std::optional<unsigned long> postfixSeconds(const std::string& value)
{
    const std::string v = Poco::trim(value);
    std::size_t digits = 0;
    while (digits < v.size() && digits < 9 && v[digits] >= '0' && v[digits] <= '9')
        ++digits;
    if (digits == 0 || v.size() > digits + 1)
        return std::nullopt;
    const unsigned long n = std::stoul(v.substr(0, digits));
    switch (v.size() == digits ? 's' : v[digits]) {
    case 's': return n;
    case 'm': return n * 60;
    case 'h': return n * 3600;
    case 'd': return n * 86400;
    case 'w': return n * 604800;
    default: return std::nullopt;
    }
}

} // namespace verpmail::check
