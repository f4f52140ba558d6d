#include "DeliveryHeaders.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

TEST(DeliveryHeaders, AddressesInDeliveryOrder)
{
    const std::string message =
        "Return-Path: <>\r\n"
        "To: Someone <sentto-abc@Bounces.Test>\r\n"
        "Delivered-To: catchall@bounces.test\r\n"
        "X-Original-To: sentto-abc@bounces.test\r\n"
        "Subject: x\r\n"
        "\r\n"
        "Delivered-To: in-the-body@example.org\r\n";
    const std::vector<std::string> want = {"catchall@bounces.test", "sentto-abc@bounces.test"};
    EXPECT_EQ(deliveryAddresses(message), want);
}

TEST(DeliveryHeaders, NoHeadersNoAddresses)
{
    EXPECT_TRUE(deliveryAddresses("").empty());
    EXPECT_TRUE(deliveryAddresses("just text\n").empty());
    EXPECT_EQ(returnPath("Return-Path: <a@B.example>\n\n"), "a@b.example");
}

} // namespace
} // namespace verpmail

namespace verpmail {
namespace {

TEST(DeliveryHeaders, WithoutTraceFieldsTable)
{
    struct Row
    {
        std::string in, want;
    } rows[] = {
        {"Return-Path: <>\nReceived: from a\n\tby b; date\nreceived: x\nFrom: c\n\nbody\n", "From: c\n\nbody\n"},
        {"Delivered-To: x@y\r\nX-Original-To: z@y\r\nSubject: s\r\n\r\n", "Subject: s\r\n\r\n"},
        {"From: c\nReceived: later trace stays\n\n", "From: c\nReceived: later trace stays\n\n"},
        {" continuation first\n", " continuation first\n"},
        {"Received: only", ""},
        {"", ""},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(std::string(withoutTraceFields(row.in)), row.want);
    }
}

} // namespace
} // namespace verpmail
