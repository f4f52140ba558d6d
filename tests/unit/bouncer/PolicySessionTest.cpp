// Postfix policy delegation requests against a fake desk.
#include "LmtpTestFakes.h"

#include "lmtp/LineChannel.h"
#include "lmtp/PolicySession.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

using testing::FakeDesk;
using testing::ScriptedStream;

const std::string kOurs = "sentto-AAAA@bounces.example.org";
const std::string kForged = "sentto-FORGED@bounces.example.org";
const std::string kDunno = "action=DUNNO\n\n";

PolicyServiceSettings settings()
{
    PolicyServiceSettings s;
    s.bounceDomains = {"bounces.example.org", "returns.example.net"};
    return s;
}

std::string request(const std::string& recipient, const std::string& state = "RCPT")
{
    return "request=smtpd_access_policy\nprotocol_state=" + state +
           "\nprotocol_name=ESMTP\nclient_address=192.0.2.1\nclient_name=mx.example.com\nhelo_name=mx.example.com\n"
           "sender=\nrecipient=" + recipient + "\nrecipient_count=0\nqueue_id=\nsize=0\n\n";
}

std::string serve(FakeDesk& desk, std::vector<std::string> chunks)
{
    ScriptedStream stream(std::move(chunks));
    LineChannel channel(stream);
    PolicySession(channel, desk, settings(), "127.0.0.1:5000", testing::quietLogger()).run();
    return stream.sent;
}

std::string action(RecipientStatus status)
{
    return "action=" + policyAction(status) + "\n\n";
}

TEST(PolicySession, AnswersFromTheDeskForTheBounceDomain)
{
    struct Row
    {
        RecipientStatus status;
        std::string want;
    };
    for (const Row& row : {Row{RecipientStatus::Ours, "DUNNO"}, Row{RecipientStatus::NotOurs, "550 5.1.1"},
                           Row{RecipientStatus::CannotTell, "DUNNO"}}) {
        FakeDesk desk;
        desk.statuses[kForged] = row.status;
        const std::string sent = serve(desk, {request(kForged)});
        EXPECT_EQ(sent, action(row.status));
        EXPECT_EQ(sent.substr(0, 7 + row.want.size()), "action=" + row.want);
        EXPECT_EQ(desk.checked, std::vector<std::string>{kForged});
    }
}

TEST(PolicySession, OtherDomainsAndStatesAreNotLookedUp)
{
    for (const std::string& input : {request("user@example.com"), request("bounces.example.org"),
                                     request("user@sub.bounces.example.org"), request(""),
                                     request(kForged, "DATA"), request(kForged, "END-OF-MESSAGE")}) {
        FakeDesk desk;
        desk.statuses[kForged] = RecipientStatus::NotOurs;
        EXPECT_EQ(serve(desk, {input}), kDunno) << input;
        EXPECT_TRUE(desk.checked.empty()) << input;
    }
}

TEST(PolicySession, DomainsCompareIgnoringCase)
{
    FakeDesk desk;
    const std::string upper = "sentto-FORGED@Returns.EXAMPLE.net";
    desk.statuses[upper] = RecipientStatus::NotOurs;
    EXPECT_EQ(serve(desk, {request(upper, "rcpt")}), action(RecipientStatus::NotOurs));
}

TEST(PolicySession, SeveralRequestsOnOneConnection)
{
    FakeDesk desk;
    desk.statuses[kForged] = RecipientStatus::NotOurs;
    const std::string all = request(kOurs) + request(kForged) + request("a@example.com") + request(kOurs);
    // Cut in three reads, one cut inside a request.
    const std::string sent = serve(desk, {all.substr(0, 100), all.substr(100, 300), all.substr(400)});
    EXPECT_EQ(sent, kDunno + action(RecipientStatus::NotOurs) + kDunno + kDunno);
    EXPECT_EQ(desk.checked, (std::vector<std::string>{kOurs, kForged, kOurs}));
}

TEST(PolicySession, MalformedRequestsGetDunnoAndTheConnectionEnds)
{
    const std::string longValue(5000, 'x');
    std::string manyAttributes = "request=smtpd_access_policy\nprotocol_state=RCPT\n";
    for (int i = 0; i < 200; ++i)
        manyAttributes += "x" + std::to_string(i) + "=y\n";
    manyAttributes += "recipient=" + kForged + "\n\n";
    std::string hugeRequest = "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=" + kForged + "\n";
    for (int i = 0; i < 40; ++i)
        hugeRequest += "ccert_subject=" + std::string(3000, 'y') + "\n";
    hugeRequest += "\n";
    const std::vector<std::string> inputs = {
        "request=smtpd_access_policy\nno equals sign\nrecipient=" + kForged + "\n\n",
        "request=smtpd_access_policy\n=value\nrecipient=" + kForged + "\n\n",
        "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=" + kForged + "\nhelo_name=" + longValue + "\n\n",
        "request=something_else\nprotocol_state=RCPT\nrecipient=" + kForged + "\n\n",
        "protocol_state=RCPT\nrecipient=" + kForged + "\n\n",
        "\n",
        manyAttributes,
        hugeRequest,
    };
    for (const std::string& input : inputs) {
        FakeDesk desk;
        desk.statuses[kForged] = RecipientStatus::NotOurs;
        // The request after the bad one is never answered: the connection ends.
        EXPECT_EQ(serve(desk, {input + request(kForged)}), kDunno) << input.substr(0, 80);
        EXPECT_TRUE(desk.checked.empty()) << input.substr(0, 80);
    }
}

TEST(PolicySession, NoAnswerToARequestCutShort)
{
    FakeDesk desk;
    const std::string whole = request(kOurs);
    EXPECT_EQ(serve(desk, {whole.substr(0, whole.size() - 1)}), "");
    EXPECT_TRUE(desk.checked.empty());
}

} // namespace
} // namespace verpmail
