#include "TokenCommands.h"

#include "AdminApp.h"
#include "Audit.h"
#include "verpmail/util/TextTable.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/ApiTokenStore.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <iostream>

namespace verpmail {

ExitStatus createToken(MysqlConnection& db, const std::string& name, const std::string& role, std::ostream& out)
{
    const std::optional<ApiRole> parsed = parseApiRole(role);
    if (!parsed)
        throw AdminError(ExitStatus::Usage, "--role must be viewer, operator or admin, not \"" + printable(role, 20) + "\"");
    if (!validApiTokenName(name))
        throw AdminError(ExitStatus::Usage, "token name \"" + printable(name, 64) +
                                                "\": 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit");
    try {
        const NewApiToken made = ApiTokenStore(db).create(name, *parsed, auditActor());
        // The token alone on stdout (for scripts: TOKEN=$(verpmail-admin token create ...)),
        // what it is on stderr.
        out << made.token << "\n";
        out.flush();
        std::cerr << "verpmail-admin: token " << made.info.name << " role=" << apiRoleName(made.info.role)
                  << " created; it is shown only now (only its SHA-256 is kept)" << std::endl;
    } catch (const ApiTokenNameTaken& e) {
        throw AdminError(ExitStatus::DataErr, e.what());
    }
    return ExitStatus::Ok;
}

ExitStatus listTokens(MysqlConnection& db, const std::string& format, std::ostream& out)
{
    const std::vector<ApiTokenInfo> all = ApiTokenStore(db).list();
    if (format == "json") {
        JsonWriter j;
        j.beginArray();
        for (const ApiTokenInfo& t : all) {
            j.beginObject()
                .key("name").value(t.name)
                .key("role").value(apiRoleName(t.role))
                .key("created_at").value(t.createdAt)
                .key("created_by").value(t.createdBy)
                .key("revoked_at").value(t.revokedAt)
                .endObject();
        }
        j.endArray();
        out << j.str() << "\n";
        return ExitStatus::Ok;
    }
    TextTable table({"name", "role", "created (UTC)", "by", "revoked (UTC)"});
    for (const ApiTokenInfo& t : all)
        table.add({t.name, apiRoleName(t.role), t.createdAt, t.createdBy, t.revokedAt.empty() ? "-" : t.revokedAt});
    out << table.render() << table.rows() << (table.rows() == 1 ? " token\n" : " tokens\n");
    return ExitStatus::Ok;
}

ExitStatus revokeToken(MysqlConnection& db, const std::string& name, std::ostream& out)
{
    if (!ApiTokenStore(db).revoke(name, auditActor()))
        throw AdminError(ExitStatus::DataErr, "no valid token is called \"" + printable(name, 64) + "\"");
    out << "revoked token=" << name << "\n";
    return ExitStatus::Ok;
}

} // namespace verpmail
