// MysqlConnection: one owned MYSQL* with the settings every verpmail program needs.
//
//   MysqlConnection db(MysqlOptions{"/etc/verpmail/my.cnf", "verpmail"});
//   MysqlStatement st = db.prepare("SELECT MsgCount FROM EmailAddressTracker WHERE EmailAddress = ?");
//
// Credentials come only from the MySQL option file (host, port or socket, user,
// password, database), never from the command line; the file must be private
// (mode 0600, owned by the running user or root). Every connection speaks
// utf8mb4, runs in UTC and in strict mode, and has connect/read/write timeouts so a
// dead or hung server ends in a MysqlError instead of a hang.
#pragma once

#include "verpmail/db/MysqlStatement.h"
#include "verpmail/db/StatementCache.h"

#include <mysql.h>

#include <memory>
#include <string>
#include <string_view>

namespace verpmail {

struct MysqlOptions
{
    std::string optionFile;
    std::string optionGroup = "verpmail";
    unsigned connectTimeout = 5;
    unsigned readTimeout = 10;
    unsigned writeTimeout = 10;
    /// Prepared statements kept for reuse (StatementCache.h); 0 prepares each time.
    /// For long-lived connections that run the same statements again and again.
    std::size_t statementCache = 0;
    /// The configuration key optionFile came from, for error messages.
    std::string optionFileKey = "mysql.optionFile";
};

class MysqlConnection final
{
public:
    /// Connects. @throws ConfigError when the option file cannot be read or is not
    /// private (PrivateFile.h), MysqlError when the server refuses or cannot be reached.
    explicit MysqlConnection(const MysqlOptions& options);

    MysqlConnection(const MysqlConnection&) = delete;
    MysqlConnection& operator=(const MysqlConnection&) = delete;
    MysqlConnection(MysqlConnection&&) noexcept = default;
    MysqlConnection& operator=(MysqlConnection&&) noexcept = default;

    /// Prepares a statement; the statement must not outlive this connection.
    MysqlStatement prepare(std::string_view sql);

    /// Runs SQL without parameters or results (DDL, SET, transaction control).
    void execute(std::string_view sql);

    void begin() { execute("START TRANSACTION"); }
    void commit();
    void rollback() noexcept;

    MYSQL* native() const noexcept { return _handle.get(); }

    /// Throws the MysqlError for the connection's last error.
    [[noreturn]] void throwLastError(std::string_view sql = {}) const;

private:
    struct Closer
    {
        void operator()(MYSQL* handle) const noexcept { mysql_close(handle); }
    };
    std::unique_ptr<MYSQL, Closer> _handle;
    // Declared after _handle, so destroyed first: its statements close while the
    // connection is still open. On the heap, so statements keep it across a move.
    std::unique_ptr<StatementCache> _cache;
};

/// Rolls back unless commit() was called: a transaction cannot leak half-done work
/// past an exception.
class Transaction final
{
public:
    explicit Transaction(MysqlConnection& connection) : _connection(connection) { _connection.begin(); }
    ~Transaction()
    {
        if (!_done)
            _connection.rollback();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit()
    {
        _connection.commit();
        _done = true;
    }

private:
    MysqlConnection& _connection;
    bool _done = false;
};

} // namespace verpmail
