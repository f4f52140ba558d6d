// DatabaseFixture: a connection to the test bed's real MariaDB, schema migrated.
//
// The test bed is brought up by ctest's fixture (scripts/testbed up) and its
// properties file is $VERPMAIL_CONFIG. Every test works on addresses of its own
// (a random tag per test), so tests are independent without rollbacks.
#pragma once

#include "verpmail/config/Settings.h"
#include "verpmail/db/Migrations.h"
#include "verpmail/db/MysqlConnection.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <random>

namespace verpmail {

class DatabaseFixture : public ::testing::Test
{
protected:
    void SetUp() override
    {
        const char* path = std::getenv("VERPMAIL_CONFIG");
        ASSERT_NE(path, nullptr) << "VERPMAIL_CONFIG is not set: run through ctest (test bed fixture)";
        _config = new Poco::Util::PropertyFileConfiguration(path);
        _db = std::make_unique<MysqlConnection>(mysqlOptionsFrom(*_config));
        migrate(*_db);
        std::random_device random;
        _tag = "t" + std::to_string(random() % 100000000);
    }

    MysqlConnection& db() { return *_db; }
    /// A new connection to the same database (one per thread).
    MysqlConnection connect() const { return MysqlConnection(mysqlOptionsFrom(*_config)); }
    /// The random tag of this test run.
    const std::string& tag() const { return _tag; }
    const Poco::Util::AbstractConfiguration& config() const { return *_config; }

    /// An address unique to this test run: "<local>.<tag>@<domain>".
    std::string address(const std::string& local, const std::string& domain = "example.test") const
    {
        return local + "." + _tag + "@" + domain;
    }

    std::int64_t queryInt(const std::string& sql, const std::vector<SqlValue>& params = {})
    {
        MysqlStatement st = _db->prepare(sql);
        st.execute(params);
        return st.fetch() ? st.integer(0) : -1;
    }

    std::string queryText(const std::string& sql, const std::vector<SqlValue>& params = {})
    {
        MysqlStatement st = _db->prepare(sql);
        st.execute(params);
        return st.fetch() ? st.text(0) : "<no row>";
    }

private:
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> _config;
    std::unique_ptr<MysqlConnection> _db;
    std::string _tag;
};

} // namespace verpmail
