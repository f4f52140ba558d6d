// ListStore: lists and their members.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

struct ListInfo
{
    unsigned id = 0;
    std::string name;
    std::string fromAddress;
};

struct NewMember
{
    std::string email;  ///< normalised
    std::string name;
};

struct ImportCounts
{
    std::size_t added = 0;
    std::size_t updated = 0;  ///< already members: name refreshed, re-activated
};

class ListStore
{
public:
    explicit ListStore(MysqlConnection& db) : _db(db) {}

    std::optional<ListInfo> find(const std::string& name);

    /// Creates a list. Returns nullopt when the name is taken.
    std::optional<ListInfo> create(const std::string& name, const std::string& fromAddress);

    /// Adds or refreshes members, 500 per statement, in the caller's transaction.
    ImportCounts importMembers(unsigned listId, const std::vector<NewMember>& members);

    /// Whether the (normalised) address is a member of any list, active or not.
    bool isMember(const std::string& email);

private:
    MysqlConnection& _db;
};

/// A list name is 1-64 characters of [a-z0-9._-], starting with a letter or digit:
/// it appears in List-Id headers and log lines.
bool validListName(const std::string& name);

} // namespace verpmail
