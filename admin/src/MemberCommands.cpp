#include "MemberCommands.h"

#include "AddressCommands.h"
#include "AdminApp.h"
#include "Audit.h"
#include "verpmail/report/Render.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/store/AddressPolicyStore.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <algorithm>

namespace verpmail {

ListInfo requireList(MysqlConnection& db, const std::string& name)
{
    const std::optional<ListInfo> list = ListStore(db).find(name);
    if (!list)
        throw AdminError(ExitStatus::DataErr, "unknown list \"" + printable(name, 64) + "\"");
    return *list;
}

std::size_t upsertMembers(MysqlConnection& db, unsigned listId, const std::vector<NewMember>& members)
{
    return ListStore(db).importMembers(listId, members).added;
}

ExitStatus membersAdd(MysqlConnection& db, const std::string& listName, const std::string& address,
                      const std::string& name, std::ostream& out)
{
    const std::string email = normalizedAddress(address);
    const ListInfo list = requireList(db, listName);
    Transaction tx(db);
    const bool added = upsertMembers(db, list.id, {NewMember{email, name}}) == 1;
    const std::string detail = std::string("list=") + list.name + (added ? " added" : " updated") +
                               (name.empty() ? "" : " name=\"" + name + "\"");
    writeAudit(db, "members add", email, detail);
    tx.commit();
    out << "members add list=" << list.name << " address=" << email << " result=" << (added ? "added" : "updated")
        << "\n";
    return ExitStatus::Ok;
}

ExitStatus membersRemove(MysqlConnection& db, const std::string& listName, const std::string& address, std::ostream& out)
{
    const std::string email = normalizedAddress(address);
    const ListInfo list = requireList(db, listName);
    Transaction tx(db);
    MysqlStatement st = db.prepare("DELETE FROM members WHERE list_id = ? AND email = ?");
    st.execute({list.id, email});
    if (st.affectedRows() == 0)
        throw AdminError(ExitStatus::DataErr, email + " is not a member of " + list.name);
    writeAudit(db, "members remove", email, "list=" + list.name);
    tx.commit();
    out << "members remove list=" << list.name << " address=" << email << "\n";
    return ExitStatus::Ok;
}

ExitStatus membersImport(MysqlConnection& db, const std::string& listName, const std::string& file,
                         const std::vector<NewMember>& members, std::size_t duplicates, std::size_t invalid,
                         std::ostream& out)
{
    const ListInfo list = requireList(db, listName);
    Transaction tx(db);
    const std::size_t added = upsertMembers(db, list.id, members);
    const std::string counts = "added=" + std::to_string(added) + " updated=" + std::to_string(members.size() - added) +
                               " duplicates=" + std::to_string(duplicates) + " invalid=" + std::to_string(invalid);
    writeAudit(db, "members import", list.name, "file=" + file + " " + counts);
    tx.commit();
    out << "list=" << list.name << " " << counts << "\n";
    return ExitStatus::Ok;
}

ExitStatus membersExport(MysqlConnection& db, const std::string& listName, const std::string& format, std::ostream& out)
{
    const ListInfo list = requireList(db, listName);
    MysqlStatement st = db.prepare(
        "SELECT email, COALESCE(name, ''), active, bounce_status FROM members WHERE list_id = ? ORDER BY email");
    st.execute({list.id}, /*stream=*/true);
    std::size_t rows = 0;
    if (format == "csv")
        out << csvLine({"address", "name", "active", "bounce_status"});
    else
        out << "[";
    while (st.fetch()) {
        if (format == "csv") {
            out << csvLine({st.text(0), st.text(1), st.text(2), st.text(3)});
        } else {
            JsonWriter j;
            j.beginObject()
                .key("address").value(st.text(0))
                .key("name").value(st.text(1))
                .key("active").value(st.integer(2) != 0)
                .key("bounce_status").value(st.text(3))
                .endObject();
            out << (rows ? ",\n" : "\n") << j.str();
        }
        ++rows;
    }
    if (format != "csv")
        out << (rows ? "\n]\n" : "]\n");
    out.flush();
    writeAudit(db, "members export", list.name, "format=" + format + " rows=" + std::to_string(rows));
    return ExitStatus::Ok;
}

ExitStatus setSubscribed(MysqlConnection& db, const std::string& listName, const std::string& address, bool active,
                         std::ostream& out)
{
    const std::string email = normalizedAddress(address);
    const ListInfo list = requireList(db, listName);
    const std::optional<SubscriptionChange> change =
        AddressPolicyStore(db).setSubscribed(list.id, list.name, email, active, auditActor());
    if (!change)
        throw AdminError(ExitStatus::DataErr, email + " is not a member of " + list.name);
    out << (active ? "resubscribe" : "unsubscribe") << " list=" << list.name << " address=" << email
        << " active=" << (active ? 1 : 0) << " was=" << (change->was ? 1 : 0) << "\n";
    return ExitStatus::Ok;
}

} // namespace verpmail
