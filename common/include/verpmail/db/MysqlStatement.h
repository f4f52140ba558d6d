// MysqlStatement: one owned MYSQL_STMT*, with typed parameters and string results.
//
//   MysqlStatement st = db.prepare("SELECT EmailAddress, MsgCount FROM EmailAddressTracker WHERE EncodedFROM = ?");
//   st.execute({SqlValue("sentto-abc")});
//   while (st.fetch()) use(st.text(0), st.integer(1));
//
// Prepared statements only: no SQL text is ever built from data. Results are
// buffered on the client unless execute() is asked to stream (huge member lists);
// a streaming statement must be drained before its connection runs anything else.
#pragma once

#include <mysql.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace verpmail {

/// A parameter value: NULL, an integer, or bytes (text, dates as "YYYY-MM-DD hh:mm:ss", blobs).
class SqlValue
{
public:
    SqlValue() = default;  // NULL
    SqlValue(std::nullptr_t) {}
    SqlValue(std::int64_t v) : _value(v) {}
    SqlValue(int v) : _value(static_cast<std::int64_t>(v)) {}
    SqlValue(unsigned v) : _value(static_cast<std::int64_t>(v)) {}
    SqlValue(std::string v) : _value(std::move(v)) {}
    SqlValue(std::string_view v) : _value(std::string(v)) {}
    SqlValue(const char* v) : _value(std::string(v)) {}
    template <typename T>
    SqlValue(const std::optional<T>& v)
    {
        if (v)
            *this = SqlValue(*v);
    }

    const std::variant<std::monostate, std::int64_t, std::string>& value() const { return _value; }

private:
    std::variant<std::monostate, std::int64_t, std::string> _value;
};

class StatementCache;

class MysqlStatement final
{
public:
    /// Use MysqlConnection::prepare. With a cache, the handle comes from it when it
    /// holds one for this SQL and goes back to it on destruction (StatementCache.h).
    MysqlStatement(MYSQL* connection, std::string_view sql, StatementCache* cache = nullptr);
    ~MysqlStatement();
    MysqlStatement(const MysqlStatement&) = delete;
    MysqlStatement& operator=(const MysqlStatement&) = delete;
    MysqlStatement(MysqlStatement&& other) noexcept;
    MysqlStatement& operator=(MysqlStatement&&) = delete;

    /// Binds the values to the '?' placeholders in order and runs the statement.
    /// @throws MysqlError (also when the number of values does not match).
    void execute(const std::vector<SqlValue>& params = {}, bool stream = false);

    /// Moves to the next result row; false when there are no more.
    bool fetch();

    bool isNull(std::size_t column) const;
    std::string text(std::size_t column) const;               ///< "" for NULL
    std::optional<std::string> optionalText(std::size_t column) const;
    std::int64_t integer(std::size_t column) const;           ///< 0 for NULL

    std::uint64_t affectedRows() const;
    std::uint64_t insertId() const;

private:
    [[noreturn]] void throwError();

    struct Closer
    {
        void operator()(MYSQL_STMT* stmt) const noexcept { mysql_stmt_close(stmt); }
    };
    std::unique_ptr<MYSQL_STMT, Closer> _stmt;
    std::string _sql;
    StatementCache* _cache = nullptr;
    bool _reusable = true;  // false after an error or a streamed result: not fit for the cache

    // Parameter and result buffers must stay put while libmariadb holds pointers to them.
    std::vector<MYSQL_BIND> _paramBinds;
    std::vector<std::int64_t> _paramInts;
    std::vector<std::string> _paramStrings;
    std::vector<MYSQL_BIND> _resultBinds;
    std::vector<std::string> _resultBuffers;
    std::vector<unsigned long> _resultLengths;
    std::vector<my_bool> _resultNulls;
    std::vector<my_bool> _resultErrors;
    std::vector<std::string> _row;
    std::vector<bool> _rowNull;
};

} // namespace verpmail
