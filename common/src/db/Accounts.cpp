#include "verpmail/db/Accounts.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/db/PrivateFile.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

#include <fstream>
#include <stdexcept>
#include <string_view>

namespace verpmail {
namespace {

struct Grant
{
    const char* privileges;
    const char* object;  ///< a table or view, or "PROCEDURE name"
};

// The counters count_return adds a return to (sql/005, sql/006), read and written
// by every program that records returns (sender, bouncer, verpmail-web).
constexpr const char* kCounterTables[] = {"counts_day_campaign",    "counts_day_domain", "counts_month_domain",
                                          "counts_campaign_domain", "counts_day_reason", "counts_campaign_reason"};

// What records returns and opt-outs, for the bouncer and verpmail-web alike:
// ReturnRecorder, TrackerStore and count_return (SQL SECURITY INVOKER: it runs with
// these rights), IncidentStore (the members mailed at a domain in the window), and
// MembershipStore for a member's own opt-out. The UPDATE column lists are the columns
// ReturnRecorder and MembershipStore::unsubscribe set; nothing else of a member's row
// or policy state is writable, and the audit only gains rows.
std::vector<Grant> recordingGrants()
{
    return {
        {"SELECT, INSERT, UPDATE (BounceCount, FirstBounce, SentSinceBounce, LastBounce, LastBounce2, LastBounce3,"
         " HardBounceCount, SoftBounceCount, BlockCount, ComplaintCount, LastBounceClass)",
         "EmailAddressTracker"},
        {"SELECT, INSERT, UPDATE (incident_id)", "bounce_logs"},
        {"SELECT, INSERT, UPDATE (last_seen, returns, members)", "domain_incidents"},
        {"SELECT, UPDATE (bounce_count, last_bounce_at, bounce_status, active, inactive_reason)", "members"},
        {"SELECT (id, name)", "lists"},
        {"INSERT (at, actor, action, target, detail)", "admin_audit"},
        {"SELECT (id, list_id, finished_at)", "campaigns"},
        {"SELECT (campaign_id, email, domain, status, updated_at)", "send_log"},
        {"SELECT", "counted_returns"},
        {"EXECUTE", "PROCEDURE count_return"},
    };
}

// The bouncer: recording, and the schema version it checks at start.
const std::vector<Grant>& bouncerGrants()
{
    static const std::vector<Grant> grants = [] {
        std::vector<Grant> g = recordingGrants();
        g.push_back({"SELECT", "schema_version"});
        return g;
    }();
    return grants;
}

// SenderApp, CampaignQueue, SendWorker, PolicyStore, MemberLookup, and the
// ReturnRecorder for 5xx at submission. No DELETE anywhere, nothing on admin_audit.
const std::vector<Grant>& senderGrants()
{
    static const std::vector<Grant> grants = {
        {"SELECT, INSERT, UPDATE", "EmailAddressTracker"},
        {"SELECT, INSERT, UPDATE", "bounce_logs"},
        {"SELECT, INSERT, UPDATE", "domain_incidents"},
        {"SELECT, UPDATE", "members"},
        {"SELECT", "lists"},
        {"SELECT, INSERT, UPDATE", "campaigns"},
        {"SELECT, INSERT, UPDATE", "send_log"},
        {"SELECT, INSERT, UPDATE", "send_claimers"},
        {"SELECT, INSERT, UPDATE", "send_slices"},
        {"SELECT, INSERT", "policy_decisions"},
        {"SELECT", "counted_returns"},
        {"SELECT", "counted_sends"},
        {"SELECT", "schema_version"},
        {"EXECUTE", "PROCEDURE count_return"},
    };
    return grants;
}

// verpmail-web: the one-click opt-out (MembershipStore) and the SES/SNS webhook's
// returns, recorded as the bouncer records them; the API's reads (lists with their
// sender, the tokens by hash, policy decisions, the reports) and its changes (reset,
// ignore, unsubscribe, resubscribe, tokens); nothing else: no queue, no reading the
// audit.
// Its health check (DO 1) needs no privilege.
const std::vector<Grant>& webGrants()
{
    static const std::vector<Grant> grants = [] {
        std::vector<Grant> g = recordingGrants();
        // The API (/api/v1): a list's sender address for GET lists; a bearer token
        // checked by its hash (ApiTokenStore::authenticate); a member's policy
        // decisions (the tracker and bounce_logs are read already). An operator's
        // reset and ignore (AddressPolicyStore) update the tracker's policy columns
        // and write a policy_decisions row.
        for (Grant& grant : g) {
            if (std::string_view(grant.object) == "lists")
                grant.privileges = "SELECT (id, name, from_address)";
            // The reports (verpmail/report, GET /api/v1/reports): a campaign's
            // message file and start.
            if (std::string_view(grant.object) == "campaigns")
                grant.privileges = "SELECT (id, list_id, message_file, started_at, finished_at)";
            if (std::string_view(grant.object) == "EmailAddressTracker")
                grant.privileges =
                    "SELECT, INSERT, UPDATE (BounceCount, FirstBounce, SentSinceBounce, LastBounce, LastBounce2,"
                    " LastBounce3, HardBounceCount, SoftBounceCount, BlockCount, ComplaintCount, LastBounceClass,"
                    " CountsResetAt, SoftCountsFrom, PolicyState, QuarantineUntil, QuarantineCount, SuppressedAt,"
                    " SuppressedReason, DecisionRule, DecidedAt, IgnoreBounces)";
        }
        // An admin token makes and revokes tokens (ApiTokenStore::create, revoke).
        g.push_back({"SELECT (id, name, role, token_sha256, created_at, created_by, revoked_at),"
                     " INSERT (name, role, token_sha256, created_at, created_by), UPDATE (revoked_at)",
                     "api_tokens"});
        g.push_back({"SELECT, INSERT (email, state, action, rule, evidence, actor, decided_at)", "policy_decisions"});
        // The reports count the sends of a window's first day before its start.
        g.push_back({"SELECT", "counted_sends"});
        return g;
    }();
    return grants;
}

bool allIn(std::string_view text, std::string_view allowed, std::size_t max)
{
    if (text.empty() || text.size() > max)
        return false;
    for (const char c : text) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && allowed.find(c) == std::string_view::npos)
            return false;
    }
    return true;
}

std::string quotedDatabase(const std::string& database)
{
    if (!allIn(database, "_$", 64))
        throw std::invalid_argument("database name \"" + database + "\" is not 1-64 of A-Z a-z 0-9 _ $");
    return "`" + database + "`";
}

std::string quotedAccount(const Account& account)
{
    if (!allIn(account.user, "_.-", 80))
        throw std::invalid_argument("user name \"" + account.user + "\" is not 1-80 of A-Z a-z 0-9 _ . -");
    if (!allIn(account.host, "_.-%:/", 255))
        throw std::invalid_argument("host \"" + account.host + "\" is not 1-255 of A-Z a-z 0-9 _ . - % : /");
    return "'" + account.user + "'@'" + account.host + "'";
}

std::string grantTarget(const char* object, const std::string& db)
{
    const std::string name = object;
    if (name.rfind("PROCEDURE ", 0) == 0)
        return "PROCEDURE " + db + ".`" + name.substr(10) + "`";
    return db + ".`" + name + "`";
}

} // namespace

const char* roleName(AccountRole role)
{
    switch (role) {
    case AccountRole::Sender: return "sender";
    case AccountRole::Bouncer: return "bouncer";
    case AccountRole::Admin: return "admin";
    case AccountRole::Web: return "web";
    }
    return "admin";
}

std::string defaultAccountUser(AccountRole role) { return std::string("verpmail_") + roleName(role); }

std::vector<std::string> roleGrants(AccountRole role, const std::string& database)
{
    const std::string db = quotedDatabase(database);
    std::vector<std::string> out;
    if (role == AccountRole::Admin) {
        // Migrations create and alter tables, views and the procedure; recount,
        // purge and the admin commands read and write everything.
        out.push_back("GRANT ALL PRIVILEGES ON " + db + ".*");
        return out;
    }
    const std::vector<Grant>& grants = role == AccountRole::Web       ? webGrants()
                                       : role == AccountRole::Bouncer ? bouncerGrants()
                                                                      : senderGrants();
    for (const Grant& g : grants)
        out.push_back(std::string("GRANT ") + g.privileges + " ON " + grantTarget(g.object, db));
    for (const char* table : kCounterTables)
        out.push_back("GRANT SELECT, INSERT, UPDATE ON " + grantTarget(table, db));
    return out;
}

std::vector<std::string> accountStatements(const Account& account, const std::string& database,
                                           const std::optional<std::string>& passwordHash)
{
    const std::string who = quotedAccount(account);
    std::vector<std::string> out;
    if (passwordHash) {
        if (!allIn(*passwordHash, "*", 41))
            throw std::invalid_argument("a password hash is '*' and hex digits");
        out.push_back("CREATE USER IF NOT EXISTS " + who + " IDENTIFIED BY PASSWORD '" + *passwordHash + "'");
        out.push_back("ALTER USER " + who + " IDENTIFIED BY PASSWORD '" + *passwordHash + "'");
    }
    // Start from nothing, so a rerun also takes back what a role no longer has.
    out.push_back("REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + who);
    for (const std::string& grant : roleGrants(account.role, database))
        out.push_back(grant + " TO " + who);
    return out;
}

std::string nativePasswordHash(std::string_view password)
{
    Poco::SHA1Engine first;
    first.update(password.data(), static_cast<unsigned>(password.size()));
    const Poco::DigestEngine::Digest inner = first.digest();
    Poco::SHA1Engine second;
    second.update(inner.data(), static_cast<unsigned>(inner.size()));
    std::string hex = Poco::DigestEngine::digestToHex(second.digest());
    for (char& c : hex)
        if (c >= 'a' && c <= 'f')
            c = static_cast<char>(c - 'a' + 'A');
    return "*" + hex;
}

std::string readPasswordFile(const std::string& path, const std::string& option)
{
    checkPrivateFile(path, option);
    std::ifstream in(path, std::ios::binary);
    std::string line;
    if (!in || !std::getline(in, line))
        throw ConfigError("cannot read a password from \"" + path + "\" (" + option + ")");
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    if (line.empty())
        throw ConfigError("the first line of \"" + path + "\" (" + option + ") is empty: it must hold the password");
    return line;
}

void applyAccounts(MysqlConnection& db, const std::vector<Account>& accounts, const std::string& database,
                   const std::vector<std::optional<std::string>>& passwordHashes)
{
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        const std::optional<std::string> hash = i < passwordHashes.size() ? passwordHashes[i] : std::nullopt;
        for (const std::string& sql : accountStatements(accounts[i], database, hash))
            db.execute(sql);
    }
}

} // namespace verpmail
