// Migrations: the schema as numbered steps, applied in order and recorded in
// schema_version. The steps are sql/NNN_name.sql, compiled into the programs by
// cmake/EmbedFiles.cmake so an installed binary needs no source tree.
#pragma once

#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

struct Migration
{
    int version;
    std::string name;
    std::string sql;
};

const std::vector<Migration>& embeddedMigrations();

/// Highest applied version, 0 for an empty database.
int currentSchemaVersion(MysqlConnection& db);

/// Applies every migration above the current version; returns the ones applied.
/// @throws MysqlError; a failed step leaves the versions before it recorded.
std::vector<Migration> migrate(MysqlConnection& db);

/// Splits a migration file into statements: drops "--" comment lines, splits at a
/// ';' that ends a line. Migrations keep one statement per ';'-terminated block.
/// A "DELIMITER X" line between statements makes X the terminator instead, as in the
/// mysql client, so a stored program's body (whose lines end in ';') is one statement.
std::vector<std::string> splitSqlStatements(const std::string& sql);

} // namespace verpmail
