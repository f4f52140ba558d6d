#include "verpmail/db/StatementCache.h"

namespace verpmail {

StatementCache::~StatementCache()
{
    for (auto& entry : _idle)
        mysql_stmt_close(entry.second);
}

MYSQL_STMT* StatementCache::take(std::string_view sql) noexcept
{
    // Newest first: the statement a caller just gave back is the likeliest.
    for (auto it = _idle.rbegin(); it != _idle.rend(); ++it)
        if (it->first == sql) {
            MYSQL_STMT* stmt = it->second;
            _idle.erase(std::next(it).base());
            return stmt;
        }
    return nullptr;
}

void StatementCache::giveBack(std::string_view sql, MYSQL_STMT* stmt) noexcept
{
    if (_capacity == 0) {
        mysql_stmt_close(stmt);
        return;
    }
    // Client-side only: the buffered rows and result metadata; the server keeps the
    // statement prepared.
    mysql_stmt_free_result(stmt);
    try {
        if (_idle.size() >= _capacity) {
            mysql_stmt_close(_idle.front().second);
            _idle.erase(_idle.begin());
        }
        _idle.emplace_back(std::string(sql), stmt);
    } catch (...) {
        mysql_stmt_close(stmt);
    }
}

} // namespace verpmail
