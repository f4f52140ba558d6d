#include "verpmail/store/ApiTokenStore.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/util/Base32.h"
#include "verpmail/util/Hmac.h"
#include "verpmail/util/Printable.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace verpmail {
namespace {

constexpr std::string_view kPrefix = "vm_";
constexpr std::size_t kRandomBytes = 20;  // 160 bits: 32 base32 characters
constexpr std::size_t kTokenChars = 32;

std::string digestOf(std::string_view token)
{
    const Sha256Digest d = sha256(token);
    return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::string newToken()
{
    std::array<unsigned char, kRandomBytes> bytes{};
    std::size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::system_error(errno, std::generic_category(), "getrandom");
        got += static_cast<std::size_t>(n);
    }
    return std::string(kPrefix) + base32Lower(bytes.data(), bytes.size(), kTokenChars);
}

ApiTokenInfo infoFrom(MysqlStatement& st)
{
    ApiTokenInfo info;
    info.id = static_cast<std::uint64_t>(st.integer(0));
    info.name = st.text(1);
    info.role = parseApiRole(st.text(2)).value_or(ApiRole::Viewer);
    info.createdAt = st.text(3);
    info.createdBy = st.text(4);
    info.revokedAt = st.text(5);
    return info;
}

constexpr const char* kColumns =
    "SELECT id, name, role, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), created_by,"
    " COALESCE(DATE_FORMAT(revoked_at, '%Y-%m-%d %H:%i:%s'), '') FROM api_tokens";

void audit(MysqlConnection& db, const std::string& actor, const char* action, const std::string& name,
           const std::string& detail)
{
    MysqlStatement st = db.prepare(
        "INSERT INTO admin_audit (at, actor, action, target, detail) VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?)");
    st.execute({printable(actor, 128), action, "token " + name, printable(detail, 1000)});
}

} // namespace

const char* apiRoleName(ApiRole role)
{
    switch (role) {
    case ApiRole::Viewer: return "viewer";
    case ApiRole::Operator: return "operator";
    case ApiRole::Admin: return "admin";
    }
    return "viewer";
}

std::optional<ApiRole> parseApiRole(std::string_view name)
{
    for (ApiRole r : {ApiRole::Viewer, ApiRole::Operator, ApiRole::Admin})
        if (name == apiRoleName(r))
            return r;
    return std::nullopt;
}

bool apiRoleAllows(ApiRole role, ApiRole needed)
{
    return static_cast<int>(role) >= static_cast<int>(needed);
}

bool validApiTokenName(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return false;
    }
    return true;
}

bool apiTokenShape(std::string_view text)
{
    if (text.size() != kPrefix.size() + kTokenChars || text.substr(0, kPrefix.size()) != kPrefix)
        return false;
    for (char c : text.substr(kPrefix.size()))
        if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')))
            return false;
    return true;
}

NewApiToken ApiTokenStore::create(const std::string& name, ApiRole role, const std::string& actor)
{
    if (!validApiTokenName(name))
        throw std::invalid_argument("a token name is 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit");
    NewApiToken made;
    made.token = newToken();
    Transaction tx(_db);
    MysqlStatement insert = _db.prepare(
        "INSERT INTO api_tokens (name, role, token_sha256, created_at, created_by) VALUES (?, ?, ?, UTC_TIMESTAMP(), ?)");
    try {
        insert.execute({name, apiRoleName(role), digestOf(made.token), printable(actor, 128)});
    } catch (const MysqlError& e) {
        if (e.isDuplicateKey())
            throw ApiTokenNameTaken("a token called \"" + name + "\" exists already (revoked ones keep their name)");
        throw;
    }
    const std::uint64_t id = insert.insertId();
    audit(_db, actor, "token create", name, std::string("role=") + apiRoleName(role));
    MysqlStatement read = _db.prepare(std::string(kColumns) + " WHERE id = ?");
    read.execute({static_cast<std::int64_t>(id)});
    read.fetch();
    made.info = infoFrom(read);
    tx.commit();
    return made;
}

std::optional<ApiTokenInfo> ApiTokenStore::authenticate(std::string_view bearer)
{
    if (!apiTokenShape(bearer))
        return std::nullopt;
    MysqlStatement st = _db.prepare(std::string(kColumns) + " WHERE token_sha256 = ? AND revoked_at IS NULL");
    st.execute({digestOf(bearer)});
    if (!st.fetch())
        return std::nullopt;
    return infoFrom(st);
}

std::vector<ApiTokenInfo> ApiTokenStore::list()
{
    MysqlStatement st = _db.prepare(std::string(kColumns) + " ORDER BY name");
    st.execute();
    std::vector<ApiTokenInfo> all;
    while (st.fetch())
        all.push_back(infoFrom(st));
    return all;
}

bool ApiTokenStore::revoke(const std::string& name, const std::string& actor)
{
    Transaction tx(_db);
    MysqlStatement st = _db.prepare("UPDATE api_tokens SET revoked_at = UTC_TIMESTAMP() WHERE name = ? AND revoked_at IS NULL");
    st.execute({name});
    if (st.affectedRows() == 0)
        return false;
    audit(_db, actor, "token revoke", name, "");
    tx.commit();
    return true;
}

} // namespace verpmail
