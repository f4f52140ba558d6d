#include "Audit.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/util/Printable.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace verpmail {

std::string auditActor()
{
    const uid_t uid = geteuid();
    const passwd* pw = getpwuid(uid);
    std::string actor = pw && pw->pw_name ? pw->pw_name : "uid " + std::to_string(uid);
    const char* sudoUser = std::getenv("SUDO_USER");
    if (sudoUser && *sudoUser)
        actor += std::string(" (sudo: ") + sudoUser + ")";
    return printable(actor, 128);
}

std::uint64_t writeAudit(MysqlConnection& db, const std::string& action, const std::string& target,
                         const std::string& detail)
{
    MysqlStatement st = db.prepare(
        "INSERT INTO admin_audit (at, actor, action, target, detail) VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?)");
    st.execute({auditActor(), printable(action, 32), printable(target, 320), printable(detail, 1000)});
    return st.insertId();
}

void updateAudit(MysqlConnection& db, std::uint64_t id, const std::string& detail)
{
    MysqlStatement st = db.prepare("UPDATE admin_audit SET detail = ? WHERE id = ?");
    st.execute({printable(detail, 1000), static_cast<std::int64_t>(id)});
}

} // namespace verpmail
