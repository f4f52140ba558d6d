// The daemon protocol's framing (bouncer/src/daemon/Protocol.h): the request line is
// parsed strictly, and a reply is only ever turned into a 4.x.x line for Postfix.
#include "daemon/Protocol.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail::protocol {
namespace {

RequestHeader parsed(std::string_view line)
{
    RequestHeader header;
    const char* problem = nullptr;
    EXPECT_TRUE(parseRequestLine(line, header, &problem)) << line;
    EXPECT_EQ(problem, nullptr);
    return header;
}

std::string rejection(std::string_view line)
{
    RequestHeader header;
    const char* problem = nullptr;
    EXPECT_FALSE(parseRequestLine(line, header, &problem)) << line;
    return problem ? problem : "";
}

TEST(DaemonProtocol, ParsesARequestLine)
{
    const RequestHeader h = parsed("VERPMAIL-RETURN 1 13 40 2048");
    EXPECT_EQ(h.senderBytes, 13u);
    EXPECT_EQ(h.recipientBytes, 40u);
    EXPECT_EQ(h.messageBytes, 2048u);
    const RequestHeader empty = parsed("VERPMAIL-RETURN 1 0 0 0");
    EXPECT_EQ(empty.senderBytes + empty.recipientBytes + empty.messageBytes, 0u);
    EXPECT_EQ(parsed("VERPMAIL-RETURN 1 4096 4096 1073741824").messageBytes, std::size_t{1} << 30);
}

TEST(DaemonProtocol, RejectsEverythingElse)
{
    EXPECT_EQ(rejection(""), "not a VERPMAIL-RETURN request");
    EXPECT_EQ(rejection("HELO x"), "not a VERPMAIL-RETURN request");
    EXPECT_EQ(rejection("verpmail-return 1 0 0 0"), "not a VERPMAIL-RETURN request");
    EXPECT_EQ(rejection("VERPMAIL-RETURN"), "no version");
    EXPECT_EQ(rejection("VERPMAIL-RETURNS 1 0 0 0"), "no version");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 2 0 0 0"), "unsupported version");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1"), "bad sender size");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 0 0"), "bad message size");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1  0 0 0"), "bad sender size");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 -1 0 0"), "bad sender size");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 +1 0 0"), "bad sender size");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 01 0 0"), "bad sender size");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 0 4097 0"), "bad recipient size");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 0 0 1073741825"), "bad message size");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 0 0 99999999999999999999999"), "bad message size");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 0 0 0 "), "trailing bytes after the sizes");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 0 0 0\r"), "trailing bytes after the sizes");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 0 0 0x10"), "trailing bytes after the sizes");
    EXPECT_EQ(rejection("VERPMAIL-RETURN 1 0 0 " + std::string(200, '1')), "request line too long");
    EXPECT_EQ(rejection(std::string("VERPMAIL-RETURN 1 0 0 0\0", 24)), "trailing bytes after the sizes");
}

TEST(DaemonProtocol, FormatsWhatItParses)
{
    char buffer[kMaxRequestLine + 1];
    RequestHeader h;
    h.senderBytes = 13;
    h.recipientBytes = 4096;
    h.messageBytes = 10485760;
    const std::size_t n = formatRequestLine(h, buffer, sizeof buffer);
    ASSERT_GT(n, 0u);
    const std::string line(buffer, n);
    EXPECT_EQ(line, "VERPMAIL-RETURN 1 13 4096 10485760\n");
    const RequestHeader back = parsed(std::string_view(line).substr(0, n - 1));
    EXPECT_EQ(back.recipientBytes, 4096u);
    EXPECT_EQ(back.messageBytes, 10485760u);
}

TEST(DaemonProtocol, RefusesToFormatOversizedRequests)
{
    char buffer[kMaxRequestLine + 1];
    RequestHeader h;
    h.senderBytes = kMaxAddressBytes + 1;
    EXPECT_EQ(formatRequestLine(h, buffer, sizeof buffer), 0u);
    h.senderBytes = 0;
    h.messageBytes = kMaxMessageBytes + 1;
    EXPECT_EQ(formatRequestLine(h, buffer, sizeof buffer), 0u);
    h.messageBytes = 1;
    char tiny[8];
    EXPECT_EQ(formatRequestLine(h, tiny, sizeof tiny), 0u);
}

TEST(DaemonProtocol, ParsesReplies)
{
    Reply ok = parseReply("OK recorded");
    EXPECT_EQ(ok.kind, ReplyKind::Ok);
    EXPECT_EQ(ok.text, "recorded");

    Reply deferred = parseReply("TEMPFAIL 4.3.0 verpmail-bouncerd database unavailable: MySQL error 2002");
    EXPECT_EQ(deferred.kind, ReplyKind::TempFail);
    EXPECT_EQ(deferred.text, "4.3.0 verpmail-bouncerd database unavailable: MySQL error 2002");
    EXPECT_EQ(parseReply("TEMPFAIL 4.3.0 protocol error").text, kProtocolError);
    EXPECT_EQ(parseReply("TEMPFAIL 4.4.10").kind, ReplyKind::TempFail);
}

TEST(DaemonProtocol, NeverPassesAnythingButClassFourToPostfix)
{
    // A permanent status would make Postfix bounce, that is drop, the return.
    for (const char* line : {"TEMPFAIL 5.1.1 no such user", "TEMPFAIL 2.0.0 ok", "TEMPFAIL 4.3 x", "TEMPFAIL 4..0 x",
                             "TEMPFAIL 4.3.0x", "TEMPFAIL 4.3333.0 x", "TEMPFAIL", "TEMPFAIL ", "OK", "OK ", "ok recorded",
                             "", "FAIL 4.3.0 x", "TEMPFAIL  4.3.0 x"})
        EXPECT_EQ(parseReply(line).kind, ReplyKind::Invalid) << line;
    EXPECT_EQ(parseReply("OK " + std::string(kMaxReplyLine, 'x')).kind, ReplyKind::Invalid);
}

TEST(DaemonProtocol, RecognisesTempfailStatusCodes)
{
    EXPECT_TRUE(isTempfailStatus("4.3.0"));
    EXPECT_TRUE(isTempfailStatus("4.3.5 text"));
    EXPECT_TRUE(isTempfailStatus("4.999.999 text"));
    EXPECT_FALSE(isTempfailStatus("4.3.0: text"));
    EXPECT_FALSE(isTempfailStatus("5.3.0 text"));
    EXPECT_FALSE(isTempfailStatus("4.3."));
    EXPECT_FALSE(isTempfailStatus("4.a.0"));
}

} // namespace
} // namespace verpmail::protocol
