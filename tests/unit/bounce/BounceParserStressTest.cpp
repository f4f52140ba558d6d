// BounceParserStressTest: hostile shapes must parse in bounded, roughly linear time.
// Each case is ~10 MB (the default maxBytes) of one pathological structure; the
// budget is generous for a loaded CI machine, the measured times are far below it
// (see the report of issue 3: tens of milliseconds each in a release build).
#include "verpmail/bounce/BounceParser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

using namespace verpmail;

namespace {

constexpr std::size_t kSize = 10 * 1024 * 1024;

std::string repeat(const std::string& unit, std::size_t bytes)
{
    std::string out;
    out.reserve(bytes + unit.size());
    while (out.size() < bytes)
        out += unit;
    return out;
}

struct Case
{
    const char* name;
    std::function<std::string()> make;
};

} // namespace

TEST(BounceParserStress, HostileInputParsesQuickly)
{
    const Case cases[] = {
        {"a million header lines", [] { return repeat("X-H: v\n", kSize) + "\nbody\n"; }},
        {"a million folded lines", [] { return "Subject: s\n" + repeat(" =?utf-8?B?YWJj?=\n", kSize) + "\nbody\n"; }},
        {"nested multiparts",
         [] {
             std::string m;
             for (int i = 0; m.size() < kSize; ++i)
                 m += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\n\n--b" +
                      std::to_string(i) + "\n";
             return m;
         }},
        {"one boundary, many delimiters",
         [] { return "Content-Type: multipart/report; boundary=b\n\n" + repeat("--b\nContent-Type: text/plain\n\nx\n", kSize); }},
        {"addresses everywhere",
         [] {
             std::string m = "From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\n\n";
             for (int i = 0; m.size() < kSize; ++i)
                 m += "postmaster@d" + std::to_string(i) + ".example a" + std::to_string(i) + "@e.example 550 5.1.1\n";
             return m;
         }},
        {"one huge line", [] { return "From: MAILER-DAEMON@x.example\n\n" + repeat("a@b.example 550 ", kSize); }},
        {"dsn fields", [] { return "Content-Type: message/delivery-status\n\n" + repeat("Final-Recipient: rfc822; a@b.example\n", kSize); }},
        {"encoded words", [] { return "Subject: " + repeat("=?iso-2022-jp?B?GyRCJDMbKEI=?= ", kSize) + "\n\nx\n"; }},
        {"json braces", [] { return "Subject: x\n\n{\"notificationType\":\"Bounce\",\"bounce\":" + repeat("{\"a\":", kSize) + "\n"; }},
    };
    for (const auto& c : cases)
    {
        const std::string message = c.make();
        const auto start = std::chrono::steady_clock::now();
        const ParsedReturn r = parseReturn(message);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("%-32s %5.3f s, %zu results\n", c.name, seconds, r.recipients.size());
        EXPECT_LT(seconds, 3.0) << c.name;
        EXPECT_LE(r.recipients.size(), ParseLimits{}.maxRecipients) << c.name;
    }
}
