// ApiTokenStore: the bearer tokens of verpmail-web's API.
//
// A token is "vm_" and 32 lower-case base32 characters (160 random bits from the
// kernel). Only its SHA-256 is stored: whoever reads the table cannot use a token,
// and a token is shown once, when it is made. A fast hash is enough for 160 random
// bits (nothing to guess); the lookup is by the hash's unique index.
//
//   ApiTokenStore store(db);
//   const NewApiToken t = store.create("ops-dashboard", ApiRole::Viewer, "root");
//   std::cout << t.token;                          // the only time it is seen
//   if (auto who = store.authenticate(bearer)) ... // who->name, who->role
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

class MysqlConnection;

enum class ApiRole { Viewer, Operator, Admin };

/// "viewer", "operator", "admin".
const char* apiRoleName(ApiRole role);
/// The role a name stands for; nullopt for any other text.
std::optional<ApiRole> parseApiRole(std::string_view name);
/// Whether `role` may do what `needed` may (admin > operator > viewer).
bool apiRoleAllows(ApiRole role, ApiRole needed);

/// A token name: 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit
/// (it appears in audit rows and logs).
bool validApiTokenName(std::string_view name);

struct ApiTokenInfo
{
    std::uint64_t id = 0;
    std::string name;
    ApiRole role = ApiRole::Viewer;
    std::string createdAt;  ///< UTC, "YYYY-MM-DD HH:MM:SS"
    std::string createdBy;
    std::string revokedAt;  ///< "" while valid
};

struct NewApiToken
{
    ApiTokenInfo info;
    std::string token;  ///< "vm_..." : shown once, stored only as its SHA-256
};

/// The name is taken (by a valid or a revoked token).
class ApiTokenNameTaken : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

class ApiTokenStore
{
public:
    explicit ApiTokenStore(MysqlConnection& db) : _db(db) {}

    /// Makes and stores a token, with its admin_audit row (actor `actor`), in one
    /// transaction. @throws std::invalid_argument for an invalid name,
    /// ApiTokenNameTaken, MysqlError.
    NewApiToken create(const std::string& name, ApiRole role, const std::string& actor);

    /// The valid (not revoked) token `bearer` is, or nullopt for anything else
    /// (malformed, unknown, revoked). Never throws on bad input.
    std::optional<ApiTokenInfo> authenticate(std::string_view bearer);

    /// Every token, valid or revoked, by name.
    std::vector<ApiTokenInfo> list();

    /// Revokes the token called `name`, with its audit row. Returns false when no
    /// valid token has that name (unknown, or revoked already).
    bool revoke(const std::string& name, const std::string& actor);

private:
    MysqlConnection& _db;
};

/// Whether `text` has a token's shape ("vm_" + 32 base32 characters).
bool apiTokenShape(std::string_view text);

} // namespace verpmail
