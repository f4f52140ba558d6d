// SessionServer: a TCP port another server holds is refused, not shared. (Poco's
// two-argument bind also sets SO_REUSEPORT, with which a second bouncer would quietly
// take half of smtpd's policy connections.)
#include "lmtp/SessionServer.h"

#include <Poco/Logger.h>

#include <gtest/gtest.h>

namespace verpmail {
namespace {

TEST(SessionServer, RefusesAPortAnotherServerHolds)
{
    Poco::Logger& log = Poco::Logger::get("session-server-test");
    ListenerSettings settings;
    settings.listen = {ListenAddress{ListenAddress::Kind::Inet, "127.0.0.1:0"}};
    const auto ignore = [](LineChannel&, const std::string&) {};
    SessionServer first("first", settings, ignore, log);
    const std::vector<std::string> bound = first.addresses();
    ASSERT_EQ(bound.size(), 1u);
    ASSERT_EQ(bound[0].rfind("inet:", 0), 0u) << bound[0];
    ListenerSettings again = settings;
    again.listen = {ListenAddress{ListenAddress::Kind::Inet, bound[0].substr(5)}};
    EXPECT_THROW(SessionServer("second", again, ignore, log), ListenError);
}

} // namespace
} // namespace verpmail
