// StatementCache: prepared statements a long-lived connection keeps for the next use.
//
// verpmail-bouncerd records every return with the same dozen statements on the same
// connection; preparing each again costs a round trip and a parse on the server per
// statement per return. With MysqlOptions::statementCache > 0 a MysqlStatement
// returns its handle here when it goes out of scope, and the next prepare() of the
// same SQL text takes it back instead of preparing it again. Callers do not change:
// `MysqlStatement st = db.prepare(sql)` behaves the same, cached or not.
//
// Only handles in a clean state come back: fully buffered results (freed on the
// client, no server round trip), no streaming result, no error. The least recently
// returned handle is closed when the cache is full. The cache belongs to its
// connection and closes every handle before the connection closes.
#pragma once

#include <mysql.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace verpmail {

class StatementCache final
{
public:
    explicit StatementCache(std::size_t capacity) : _capacity(capacity) {}
    ~StatementCache();
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    /// An idle handle prepared from exactly this SQL text, now the caller's; nullptr if none.
    MYSQL_STMT* take(std::string_view sql) noexcept;

    /// Keeps the caller's handle for the next take(), or closes it (cache full: the
    /// oldest is closed instead; no memory: this one is).
    void giveBack(std::string_view sql, MYSQL_STMT* stmt) noexcept;

    std::size_t size() const noexcept { return _idle.size(); }

private:
    std::size_t _capacity;
    std::vector<std::pair<std::string, MYSQL_STMT*>> _idle;  // oldest first; a few dozen at most
};

} // namespace verpmail
