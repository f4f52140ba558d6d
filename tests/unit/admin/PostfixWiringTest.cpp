// PostfixWiringTest: the small readings of Postfix's answers that check relies on,
// and the synthetic return of check --return as the bouncer's parser reads it.
#include "check/DaemonCheck.h"
#include "check/Postconf.h"
#include "check/PostfixChecks.h"
#include "check/ReturnCheck.h"

#include "verpmail/bounce/BounceParser.h"

#include <gtest/gtest.h>

using namespace verpmail;
using namespace verpmail::check;

TEST(PostfixWiring, SplitsTransports)
{
    EXPECT_EQ(splitTransport("verpmail-lmtp:unix:/run/verpmail/lmtp.sock"),
              std::make_pair(std::string("verpmail-lmtp"), std::string("unix:/run/verpmail/lmtp.sock")));
    EXPECT_EQ(splitTransport("verpmail:"), std::make_pair(std::string("verpmail"), std::string("")));
    EXPECT_EQ(splitTransport("smtp"), std::make_pair(std::string("smtp"), std::string("")));
}

TEST(PostfixWiring, PipeUserWithoutGroup)
{
    EXPECT_EQ(pipeUserOf("verpmail unix - n n - 10 pipe flags=R user=verpmail argv=/x -- ${sender}"), "verpmail");
    EXPECT_EQ(pipeUserOf("verpmail unix - n n - 10 pipe flags=R user=vm:mail argv=/x"), "vm");
    EXPECT_EQ(pipeUserOf("verpmail unix - n n - 10 pipe flags=R argv=/x"), "");
}

TEST(PostfixWiring, EndpointsCompareAcrossSpellings)
{
    EXPECT_TRUE(sameEndpoint("unix:/run/verpmail/lmtp.sock", "unix:/run/verpmail/lmtp.sock"));
    EXPECT_FALSE(sameEndpoint("unix:/run/verpmail/lmtp.sock", "unix:/run/other.sock"));
    EXPECT_TRUE(sameEndpoint("inet:[127.0.0.1]:24", "inet:127.0.0.1:24"));
    EXPECT_TRUE(sameEndpoint("127.0.0.1:10029", "inet:127.0.0.1:10029"));
    EXPECT_FALSE(sameEndpoint("", "inet:127.0.0.1:10029"));
}

TEST(PostfixWiring, PolicyServiceInRestrictions)
{
    EXPECT_TRUE(mentionsPolicyService("permit_mynetworks, check_policy_service inet:127.0.0.1:10029, reject",
                                      "inet:127.0.0.1:10029"));
    EXPECT_FALSE(mentionsPolicyService("check_policy_service inet:127.0.0.1:10030", "inet:127.0.0.1:10029"));
    EXPECT_FALSE(mentionsPolicyService("inet:127.0.0.1:10029", "inet:127.0.0.1:10029"));
}

TEST(PostfixWiring, TimeValues)
{
    EXPECT_EQ(postfixSeconds("30s"), 30ul);
    EXPECT_EQ(postfixSeconds("120"), 120ul);
    EXPECT_EQ(postfixSeconds("2m"), 120ul);
    EXPECT_EQ(postfixSeconds("1h"), 3600ul);
    EXPECT_EQ(postfixSeconds(" 1d "), 86400ul);
    EXPECT_FALSE(postfixSeconds(""));
    EXPECT_FALSE(postfixSeconds("1000s0"));
    EXPECT_FALSE(postfixSeconds("5x"));
    EXPECT_FALSE(postfixSeconds("$command_time_limit"));
}

TEST(PostfixWiring, SplitsPostfixLists)
{
    EXPECT_EQ(splitPostfixList("a, b c,,d\n  e"), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
    EXPECT_EQ(valueAfterEquals("verpmail-lmtp/unix/lmtp_line_length_limit = 0"), "0");
}

TEST(PostfixWiring, SocketAddresses)
{
    EXPECT_EQ(socketAddressText("unix:/run/verpmail/lmtp.sock"), "/run/verpmail/lmtp.sock");
    EXPECT_EQ(socketAddressText("inet:127.0.0.1:10029"), "127.0.0.1:10029");
    EXPECT_EQ(socketAddressText("unix:relative"), "");
    EXPECT_EQ(socketAddressText("tcp:1.2.3.4:5"), "");
}

TEST(SyntheticReturn, ParsesAsADelayForTheMember)
{
    const std::string wire = syntheticReturn("sentto-abc@bounces.example.org", "m@example.org",
                                             "check.1.2@verpmail-check.invalid", "Mon, 07 Dec 2026 06:00:00 GMT");
    for (std::size_t i = wire.find('\n'); i != std::string::npos; i = wire.find('\n', i + 1))
        ASSERT_EQ(wire[i - 1], '\r') << "every line ends in CRLF";
    const ParsedReturn r = parseReturn(wire);
    ASSERT_EQ(r.recipients.size(), 1u);
    EXPECT_EQ(r.recipients[0].address, "m@example.org");
    EXPECT_EQ(r.recipients[0].action, "delayed");
    EXPECT_EQ(r.recipients[0].bounceClass, BounceClass::None) << "a delay counts against no one";
}
