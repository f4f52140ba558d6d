#include "verpmail/store/ListStore.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"

#include <algorithm>
#include <cctype>

namespace verpmail {

bool validListName(const std::string& name)
{
    if (name.empty() || name.size() > 64 || !std::isalnum(static_cast<unsigned char>(name.front())))
        return false;
    return std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::islower(c) || std::isdigit(c) || c == '.' || c == '_' || c == '-';
    });
}

bool ListStore::isMember(const std::string& email)
{
    MysqlStatement st = _db.prepare("SELECT 1 FROM members WHERE email = ? LIMIT 1");
    st.execute({email});
    return st.fetch();
}

std::optional<ListInfo> ListStore::find(const std::string& name)
{
    MysqlStatement st = _db.prepare("SELECT id, name, from_address FROM lists WHERE name = ?");
    st.execute({name});
    if (!st.fetch())
        return std::nullopt;
    return ListInfo{static_cast<unsigned>(st.integer(0)), st.text(1), st.text(2)};
}

std::optional<ListInfo> ListStore::create(const std::string& name, const std::string& fromAddress)
{
    MysqlStatement st = _db.prepare("INSERT INTO lists (name, from_address, created_at) VALUES (?, ?, UTC_TIMESTAMP())");
    try {
        st.execute({name, fromAddress});
    } catch (const MysqlError& e) {
        if (e.isDuplicateKey())
            return std::nullopt;
        throw;
    }
    return ListInfo{static_cast<unsigned>(st.insertId()), name, fromAddress};
}

ImportCounts ListStore::importMembers(unsigned listId, const std::vector<NewMember>& members)
{
    // No transaction of its own: the caller's (with its audit row) makes it atomic.
    constexpr std::size_t kRowsPerStatement = 500;
    auto memberCount = [&] {
        MysqlStatement count = _db.prepare("SELECT COUNT(*) FROM members WHERE list_id = ?");
        count.execute({listId});
        return count.fetch() ? static_cast<std::size_t>(count.integer(0)) : 0;
    };
    const std::size_t before = memberCount();
    for (std::size_t start = 0; start < members.size(); start += kRowsPerStatement) {
        const std::size_t end = std::min(members.size(), start + kRowsPerStatement);
        std::string values;
        std::vector<SqlValue> params;
        for (std::size_t i = start; i < end; ++i) {
            values += values.empty() ? "(?,?,?,1,UTC_TIMESTAMP())" : ",(?,?,?,1,UTC_TIMESTAMP())";
            params.emplace_back(listId);
            params.emplace_back(members[i].email);
            params.emplace_back(members[i].name.empty() ? SqlValue() : SqlValue(members[i].name));
        }
        MysqlStatement st = _db.prepare("INSERT INTO members (list_id, email, name, active, added_at) VALUES " + values +
                                        " ON DUPLICATE KEY UPDATE name = COALESCE(VALUES(name), name), active = 1");
        st.execute(params);
    }
    ImportCounts counts;
    counts.added = memberCount() - before;
    counts.updated = members.size() - counts.added;
    return counts;
}

} // namespace verpmail
