// The front reads three keys itself; everything it might read differently from
// Poco's PropertyFileConfiguration must come back Unsure (the full program then reads
// the file), never a wrong value.
#include "front/PropertiesPeek.h"

#include <gtest/gtest.h>

#include <Poco/TemporaryFile.h>

#include <fstream>
#include <string>

namespace verpmail::front {
namespace {

struct Peeked
{
    PeekResult result;
    FrontSettings settings;
};

Peeked peek(const std::string& text)
{
    Poco::TemporaryFile file;
    std::ofstream(file.path(), std::ios::binary) << text;
    Peeked out{};
    out.result = peekProperties(file.path().c_str(), out.settings);
    return out;
}

TEST(PropertiesPeekTest, DefaultsWhenTheKeysAreAbsent)
{
    const Peeked p = peek("# nothing of ours\nmysql.optionFile = /etc/verpmail/my.cnf\n");
    ASSERT_EQ(p.result, PeekResult::Read);
    EXPECT_STREQ(p.settings.socketPath, "/run/verpmail/bouncerd.sock");
    EXPECT_EQ(p.settings.timeLimitSeconds, 60u);
    EXPECT_EQ(p.settings.maxMessageBytes, 10485760u);
}

TEST(PropertiesPeekTest, ReadsEachSeparatorPocoAccepts)
{
    struct Case
    {
        const char* text;
        const char* socket;
        unsigned timeLimit;
        std::size_t maxBytes;
    };
    const Case cases[] = {
        {"bouncer.socket = /run/b.sock\nbouncer.timeLimit = 20\nbouncer.maxMessageBytes = 4096\n", "/run/b.sock", 20, 4096},
        {"bouncer.socket=/run/b.sock\r\nbouncer.timeLimit:20\r\n", "/run/b.sock", 20, 10485760},
        {"  bouncer.socket   /run/b.sock  \n", "/run/b.sock", 60, 10485760},
        // The last occurrence wins, as in Poco.
        {"bouncer.timeLimit = 5\nbouncer.timeLimit = 7", "/run/verpmail/bouncerd.sock", 7, 10485760},
        // Comments and other keys that merely start with ours are not ours.
        {"#bouncer.socket = /x\n! bouncer.timeLimit = 9\nbouncer.socketX = /y\n", "/run/verpmail/bouncerd.sock", 60, 10485760},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.text);
        const Peeked p = peek(c.text);
        ASSERT_EQ(p.result, PeekResult::Read);
        EXPECT_STREQ(p.settings.socketPath, c.socket);
        EXPECT_EQ(p.settings.timeLimitSeconds, c.timeLimit);
        EXPECT_EQ(p.settings.maxMessageBytes, c.maxBytes);
    }
}

TEST(PropertiesPeekTest, UnsureWhereItMightDifferFromPoco)
{
    const char* const cases[] = {
        "bouncer.socket = /run/\\\n  b.sock\n",           // continuation line
        "other.key = a \\\n bouncer.socket = /x\n",         // a continuation hides a line
        "bouncer.socket = /run/b\\u0041.sock\n",            // escape
        "bouncer.socket = ${base}/b.sock\n",                // reference
        "bouncer.socket = relative.sock\n",                 // the full program rejects it
        "bouncer.timeLimit = 0\n",
        "bouncer.timeLimit = 20s\n",
        "bouncer.maxMessageBytes = 99999999999999999999\n",
        "",                                                  // empty: let Poco decide
    };
    for (const char* text : cases) {
        SCOPED_TRACE(text);
        EXPECT_EQ(peek(text).result, PeekResult::Unsure);
    }
}

TEST(PropertiesPeekTest, UnsureWhenTheFileCannotBeRead)
{
    FrontSettings settings;
    EXPECT_EQ(peekProperties("/nonexistent/verpmail.properties", settings), PeekResult::Unsure);
    EXPECT_EQ(peek(std::string(70 * 1024, '#')).result, PeekResult::Unsure);
}

} // namespace
} // namespace verpmail::front
