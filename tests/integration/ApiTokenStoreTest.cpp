// ApiTokenStore against a real MariaDB: a token made once works until it is revoked,
// only its SHA-256 is stored, names are unique, and every change is audited.
#include "DatabaseFixture.h"

#include "verpmail/store/ApiTokenStore.h"
#include "verpmail/util/Hmac.h"

#include <stdexcept>

namespace verpmail {
namespace {

class ApiTokenStoreTest : public DatabaseFixture
{
protected:
    std::string name(const char* base) const { return std::string(base) + "-" + tag(); }

    std::int64_t audits(const std::string& action, const std::string& tokenName)
    {
        MysqlStatement st = db().prepare("SELECT COUNT(*) FROM admin_audit WHERE action = ? AND target = ?");
        st.execute({action, "token " + tokenName});
        st.fetch();
        return st.integer(0);
    }
};

TEST_F(ApiTokenStoreTest, ATokenWorksUntilRevoked)
{
    ApiTokenStore store(db());
    const NewApiToken made = store.create(name("ops"), ApiRole::Operator, "tester");
    EXPECT_TRUE(apiTokenShape(made.token)) << made.token;
    EXPECT_EQ(made.info.name, name("ops"));
    EXPECT_EQ(made.info.role, ApiRole::Operator);
    EXPECT_EQ(made.info.createdBy, "tester");
    EXPECT_EQ(made.info.revokedAt, "");
    EXPECT_EQ(audits("token create", name("ops")), 1);

    const auto who = store.authenticate(made.token);
    ASSERT_TRUE(who);
    EXPECT_EQ(who->name, name("ops"));
    EXPECT_EQ(who->role, ApiRole::Operator);

    std::string other = made.token;
    other.back() = other.back() == 'a' ? 'b' : 'a';
    EXPECT_FALSE(store.authenticate(other));
    EXPECT_FALSE(store.authenticate("Bearer " + made.token));
    EXPECT_FALSE(store.authenticate(""));

    EXPECT_TRUE(store.revoke(name("ops"), "tester"));
    EXPECT_FALSE(store.authenticate(made.token));
    EXPECT_FALSE(store.revoke(name("ops"), "tester"));
    EXPECT_EQ(audits("token revoke", name("ops")), 1);
}

TEST_F(ApiTokenStoreTest, OnlyTheHashIsStored)
{
    ApiTokenStore store(db());
    const NewApiToken made = store.create(name("hash"), ApiRole::Viewer, "tester");
    MysqlStatement st = db().prepare("SELECT token_sha256 FROM api_tokens WHERE name = ?");
    st.execute({name("hash")});
    ASSERT_TRUE(st.fetch());
    const Sha256Digest d = sha256(made.token);
    EXPECT_EQ(st.text(0), std::string(reinterpret_cast<const char*>(d.data()), d.size()));
    EXPECT_EQ(st.text(0).find(made.token.substr(3)), std::string::npos);
}

TEST_F(ApiTokenStoreTest, NamesAreUniqueAndChecked)
{
    ApiTokenStore store(db());
    const NewApiToken first = store.create(name("dup"), ApiRole::Admin, "tester");
    EXPECT_THROW(store.create(name("dup"), ApiRole::Viewer, "tester"), ApiTokenNameTaken);
    store.revoke(name("dup"), "tester");
    EXPECT_THROW(store.create(name("dup"), ApiRole::Viewer, "tester"), ApiTokenNameTaken);
    EXPECT_THROW(store.create("bad name", ApiRole::Viewer, "tester"), std::invalid_argument);
    EXPECT_EQ(audits("token create", name("dup")), 1);

    bool listed = false;
    for (const ApiTokenInfo& t : store.list())
        if (t.name == name("dup"))
            listed = t.role == ApiRole::Admin && !t.revokedAt.empty();
    EXPECT_TRUE(listed);
    EXPECT_NE(store.create(name("two"), ApiRole::Viewer, "tester").token, first.token);
}

} // namespace
} // namespace verpmail
