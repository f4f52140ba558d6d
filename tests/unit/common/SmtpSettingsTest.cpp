// SMTP submission settings: credentials travel only inside TLS or to this host.
#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace verpmail {
namespace {

TEST(SmtpSettings, AuthNeedsRequiredStarttlsUnlessTheServerIsOnLoopback)
{
    char dir[] = "/tmp/smtp-settings-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string authFile = std::string(dir) + "/auth.conf";
    std::ofstream(authFile) << "username = u\npassword = p\n";
    ::chmod(authFile.c_str(), 0600);

    Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
    for (const keys::Key* key : keys::kAll)
        if (key->defaultValue)
            config->setString(key->name, key->defaultValue);
    config->setString("smtp.authFile", authFile);
    struct Row
    {
        const char* server;
        const char* starttls;
        bool accepted;
    };
    const Row rows[] = {
        {"127.0.0.1:587", "no", true},          {"localhost:25", "enabled", true},
        {"[::1]:587", "no", true},              {"mail.example.org:587", "required", true},
        {"mail.example.org:587", "enabled", false}, {"192.0.2.1:25", "no", false},
        {"127.example.org:25", "no", false},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(std::string(row.server) + " starttls=" + row.starttls);
        config->setString("smtp.server", row.server);
        config->setString("smtp.starttls", row.starttls);
        if (row.accepted) {
            EXPECT_EQ(smtpSettingsFrom(*config).authUser, "u");
        } else {
            EXPECT_THROW(smtpSettingsFrom(*config), ConfigError);
        }
    }
    ::unlink(authFile.c_str());
    ::rmdir(dir);
}

TEST(SmtpSettings, MessagesPerSessionHasADefaultAndBounds)
{
    Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
    for (const keys::Key* key : keys::kAll)
        if (key->defaultValue)
            config->setString(key->name, key->defaultValue);
    EXPECT_EQ(smtpSettingsFrom(*config).messagesPerSession, 250u);
    config->setString("smtp.messagesPerSession", "1");
    EXPECT_EQ(smtpSettingsFrom(*config).messagesPerSession, 1u);
    for (const char* bad : {"0", "-5", "many"}) {
        config->setString("smtp.messagesPerSession", bad);
        EXPECT_THROW(smtpSettingsFrom(*config), std::exception) << bad;
    }
}

} // namespace
} // namespace verpmail
