// verpmail-admin db accounts' SQL on the real server: every role's statements run
// (as root: the test bed's root.cnf), twice, and each account can do what its
// program does and no more.
#include "DatabaseFixture.h"

#include "verpmail/db/Accounts.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/mail/UnsubscribeToken.h"
#include "verpmail/store/AddressPolicyStore.h"
#include "verpmail/store/ApiTokenStore.h"
#include "verpmail/store/ListingStore.h"
#include "verpmail/store/MembershipStore.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace verpmail {
namespace {

class AccountsTest : public DatabaseFixture
{
protected:
    void SetUp() override
    {
        DatabaseFixture::SetUp();
        const char* dir = std::getenv("TESTBED_DIR");
        _rootFile = std::string(dir ? dir : "/tmp/verpmail-testbed") + "/etc/root.cnf";
        ASSERT_EQ(::access(_rootFile.c_str(), R_OK), 0)
            << "no " << _rootFile << " (a test bed's root through the socket): scripts/testbed up";
        MysqlOptions root = mysqlOptionsFrom(config());
        root.optionFile = _rootFile;
        _root = std::make_unique<MysqlConnection>(root);
    }

    void TearDown() override
    {
        for (const Account& a : _made)
            _root->execute("DROP USER IF EXISTS '" + a.user + "'@'" + a.host + "'");
        for (const std::string& f : _files)
            ::unlink(f.c_str());
    }

    // Makes the account as `db accounts --create` does and connects with it.
    std::unique_ptr<MysqlConnection> make(AccountRole role)
    {
        const Account account{role, std::string("vmt_") + roleName(role) + "_" + tag(), "localhost"};
        const std::string password = "pw-" + tag() + "-" + roleName(role);
        applyAccounts(*_root, {account}, "verpmail", {nativePasswordHash(password)});
        _made.push_back(account);
        applyAccounts(*_root, {account}, "verpmail", {nativePasswordHash(password)});  // a rerun is safe

        std::ifstream in(_rootFile);
        std::string line;
        std::ostringstream cnf;
        while (std::getline(in, line))
            if (line.rfind("user=", 0) != 0)
                cnf << line << "\n";
        cnf << "user=" << account.user << "\npassword=" << password << "\n";
        const std::string file = "/tmp/verpmail-account-" + account.user + ".cnf";
        std::ofstream(file) << cnf.str();
        ::chmod(file.c_str(), 0600);
        _files.push_back(file);
        MysqlOptions options = mysqlOptionsFrom(config());
        options.optionFile = file;
        return std::make_unique<MysqlConnection>(options);
    }

    static unsigned error(MysqlConnection& db, const std::string& sql)
    {
        try {
            db.prepare(sql).execute();
        } catch (const MysqlError& e) {
            return e.errorNumber();
        }
        return 0;
    }

    std::string _rootFile;
    std::unique_ptr<MysqlConnection> _root;
    std::vector<Account> _made;
    std::vector<std::string> _files;
};

constexpr unsigned kTableDenied = 1142;

TEST_F(AccountsTest, SenderQueuesAndSettlesButNeverAuditsOrDeletes)
{
    const auto sender = make(AccountRole::Sender);
    EXPECT_EQ(error(*sender, "SELECT COUNT(*) FROM lists"), 0u);
    EXPECT_EQ(error(*sender, "SELECT COUNT(*) FROM send_log WHERE status = 'queued'"), 0u);
    EXPECT_EQ(error(*sender, "UPDATE send_log SET detail = detail WHERE campaign_id = ''"), 0u);
    EXPECT_EQ(error(*sender, "SELECT COUNT(*) FROM counted_sends"), 0u);
    EXPECT_EQ(error(*sender, "INSERT INTO counts_day_campaign (day, campaign, accepted) VALUES ('2000-01-01', '', 0)"
                             " ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted)"),
              0u);
    EXPECT_EQ(error(*sender, "SELECT COUNT(*) FROM admin_audit"), kTableDenied);
    EXPECT_EQ(error(*sender, "DELETE FROM send_log WHERE campaign_id = ''"), kTableDenied);
    EXPECT_EQ(error(*sender, "INSERT INTO lists (name, from_address, created_at) VALUES ('x', 'x', UTC_TIMESTAMP())"),
              kTableDenied);
}

TEST_F(AccountsTest, BouncerAndAdminAccountsAsGranted)
{
    const auto bouncer = make(AccountRole::Bouncer);
    EXPECT_EQ(error(*bouncer, "SELECT COUNT(*) FROM bounce_logs WHERE id = 0"), 0u);
    EXPECT_EQ(error(*bouncer, "SELECT COUNT(*) FROM admin_audit"), kTableDenied);
    EXPECT_EQ(error(*bouncer, "UPDATE admin_audit SET actor = actor WHERE id = 0"), kTableDenied);
    EXPECT_EQ(error(*bouncer, "UPDATE lists SET name = name WHERE id = 0"), kTableDenied);
    const auto admin = make(AccountRole::Admin);
    EXPECT_EQ(error(*admin, "SELECT COUNT(*) FROM admin_audit"), 0u);
    EXPECT_EQ(error(*admin, "CREATE TABLE vmt_scratch_" + tag() + " (id INT)"), 0u);
    EXPECT_EQ(error(*admin, "DROP TABLE vmt_scratch_" + tag()), 0u);
}

TEST_F(AccountsTest, BouncerEndsAMembershipByMailAndAuditsIt)
{
    // Mail to the List-Unsubscribe address: the bouncer's account finds the membership
    // (members joined with lists), ends it and writes the audit row (FOR UPDATE too).
    db().execute("INSERT INTO lists (name, from_address, created_at) VALUES ('u" + tag() +
                 "', 'list@example.test', UTC_TIMESTAMP())");
    const std::int64_t list = queryInt("SELECT id FROM lists WHERE name = ?", {"u" + tag()});
    const std::string email = address("optout", "acct" + tag() + ".test");
    MysqlStatement add = db().prepare("INSERT INTO members (list_id, email, added_at) VALUES (?, ?, UTC_TIMESTAMP())");
    add.execute({list, email});
    const auto member = static_cast<std::uint64_t>(add.insertId());

    const auto bouncer = make(AccountRole::Bouncer);
    const UnsubscribeTokens tokens(std::string(32, 'u'));
    MembershipStore store(*bouncer);
    const std::optional<Membership> found = store.byToken(tokens, tokens.make(member, list, email));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->listName, "u" + tag());
    EXPECT_EQ(store.unsubscribe(member, "mail a@example.test", "mailto"), OptOut::Unsubscribed);
    EXPECT_EQ(store.unsubscribe(member, "mail a@example.test", "mailto"), OptOut::AlreadyOut);
    EXPECT_EQ(queryText("SELECT CONCAT(active, ':', inactive_reason) FROM members WHERE id = ?",
                        {static_cast<std::int64_t>(member)}),
              "0:unsubscribed");
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE action = 'unsubscribe' AND target = ?"
                       " AND actor = 'mail a@example.test' AND detail LIKE '%via=mailto'",
                       {email}),
              1);
}

TEST_F(AccountsTest, WebAccountDoesWhatTheApiDoesAndNoMore)
{
    // verpmail-web's API on its own account: the reads, an operator's changes with
    // their audit and decision rows, and an admin's tokens.
    const std::string listName = "api" + tag();
    db().execute("INSERT INTO lists (name, from_address, created_at) VALUES ('" + listName +
                 "', 'list@example.test', UTC_TIMESTAMP())");
    const std::int64_t list = queryInt("SELECT id FROM lists WHERE name = ?", {listName});
    const std::string email = address("api", "acct" + tag() + ".test");
    MysqlStatement add = db().prepare("INSERT INTO members (list_id, email, active, inactive_reason, added_at)"
                                      " VALUES (?, ?, 0, 'policy', UTC_TIMESTAMP())");
    add.execute({list, email});
    const auto member = static_cast<std::uint64_t>(add.insertId());
    MysqlStatement tracker = db().prepare("INSERT INTO EmailAddressTracker (EmailAddress, EncodedFROM,"
                                          " HardBounceCount, PolicyState) VALUES (?, ?, 2, 'suppressed')");
    tracker.execute({email, "api" + tag()});

    const auto web = make(AccountRole::Web);
    ListingStore listing(*web);
    bool listed = false;
    for (const ListSummary& l : listing.lists())
        listed = listed || (l.name == listName && l.inactive == 1 && l.fromAddress == "list@example.test");
    EXPECT_TRUE(listed);
    MemberFilter filter;
    filter.contains = "api";
    const auto page = listing.members(listName, filter);
    ASSERT_TRUE(page);
    ASSERT_EQ(page->size(), 1u);
    const std::optional<MemberDetail> detail = listing.member(member);
    ASSERT_TRUE(detail && detail->tracker);
    EXPECT_EQ(detail->tracker->policyState, "suppressed");
    EXPECT_TRUE(listing.bounces(email, 10).empty());

    AddressPolicyStore store(*web);
    const std::optional<AddressChange> reset = store.reset(email, "api:ops");
    ASSERT_TRUE(reset);
    EXPECT_EQ(reset->reactivated, 1u);
    ASSERT_TRUE(store.ignore(email, true, "api:ops"));
    ASSERT_TRUE(store.setSubscribed(static_cast<std::uint64_t>(list), listName, email, false, "api:ops"));
    const std::vector<DecisionRow> decisions = listing.decisions(email, 10);
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].actor, "api:ops");
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM admin_audit WHERE target = ? AND actor = 'api:ops'", {email}), 3);
    EXPECT_EQ(queryText("SELECT CONCAT_WS(' ', HardBounceCount, PolicyState, IgnoreBounces) FROM EmailAddressTracker"
                        " WHERE EmailAddress = ?",
                        {email}),
              "0 active 1");

    ApiTokenStore tokens(*web);
    const NewApiToken made = tokens.create("api-" + tag(), ApiRole::Viewer, "api:boss");
    ASSERT_TRUE(tokens.authenticate(made.token));
    EXPECT_TRUE(tokens.revoke("api-" + tag(), "api:boss"));
    EXPECT_FALSE(tokens.authenticate(made.token));

    EXPECT_EQ(error(*web, "DELETE FROM api_tokens WHERE id = 0"), kTableDenied);
    EXPECT_NE(error(*web, "UPDATE api_tokens SET role = 'admin' WHERE id = 0"), 0u);
    EXPECT_NE(error(*web, "UPDATE policy_decisions SET actor = 'x' WHERE id = 0"), 0u);
    EXPECT_NE(error(*web, "UPDATE EmailAddressTracker SET EncodedFROM = 'x' WHERE EmailAddress = ''"), 0u);
    EXPECT_NE(error(*web, "UPDATE lists SET from_address = 'x' WHERE id = 0"), 0u);
    EXPECT_EQ(error(*web, "SELECT COUNT(*) FROM admin_audit"), kTableDenied);
}

} // namespace
} // namespace verpmail
