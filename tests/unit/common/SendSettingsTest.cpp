// Send settings: the unsubscribe key is read, and checked, exactly when a link uses it.
#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <gtest/gtest.h>

#include "TestSupport.h"

#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace verpmail {
namespace {

std::string messageOf(const Poco::Util::AbstractConfiguration& config)
{
    try {
        sendSettingsFrom(config);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

TEST(SendSettings, UnsubscribeKeyIsReadOnlyWhenALinkUsesTheToken)
{
    char dir[] = "/tmp/send-settings-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string keyFile = std::string(dir) + "/unsubscribe.key";
    auto config = test::defaultConfig();
    config->setString("unsubscribe.keyFile", keyFile);

    // No link, or links without {token}: no key needed, none read.
    EXPECT_EQ(messageOf(*config), "");
    config->setString("send.unsubscribeUrl", "https://lists.example.org/unsubscribe/{list}");
    EXPECT_EQ(messageOf(*config), "");
    EXPECT_EQ(sendSettingsFrom(*config).unsubscribeKey, "");

    // {token} without the file: a ConfigError naming the key.
    config->setString("send.unsubscribeMailto", "unsubscribe+{token}@lists.example.org");
    EXPECT_NE(messageOf(*config).find("unsubscribe.keyFile"), std::string::npos) << messageOf(*config);

    // A file others may read is refused; a private one is read.
    std::ofstream(keyFile) << "0123456789abcdef0123456789abcdef\n";
    ::chmod(keyFile.c_str(), 0644);
    EXPECT_NE(messageOf(*config).find("chmod 600"), std::string::npos) << messageOf(*config);
    ::chmod(keyFile.c_str(), 0600);
    EXPECT_EQ(sendSettingsFrom(*config).unsubscribeKey, "0123456789abcdef0123456789abcdef");

    ::unlink(keyFile.c_str());
    ::rmdir(dir);
}

} // namespace
} // namespace verpmail
