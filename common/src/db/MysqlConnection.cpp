#include "verpmail/db/MysqlConnection.h"

#include "verpmail/db/MysqlError.h"
#include "verpmail/db/PrivateFile.h"

namespace verpmail {

MysqlConnection::MysqlConnection(const MysqlOptions& options) : _handle(mysql_init(nullptr))
{
    if (!_handle)
        throw MysqlError(2008, "HY000", "mysql_init: out of memory");

    // libmariadb silently ignores an option file it cannot open and then tries an
    // anonymous local login; an explicit check gives the operator the real cause.
    checkPrivateFile(options.optionFile, options.optionFileKey);

    MYSQL* h = _handle.get();
    mysql_optionsv(h, MYSQL_READ_DEFAULT_FILE, options.optionFile.c_str());
    mysql_optionsv(h, MYSQL_READ_DEFAULT_GROUP, options.optionGroup.c_str());
    mysql_optionsv(h, MYSQL_OPT_CONNECT_TIMEOUT, &options.connectTimeout);
    mysql_optionsv(h, MYSQL_OPT_READ_TIMEOUT, &options.readTimeout);
    mysql_optionsv(h, MYSQL_OPT_WRITE_TIMEOUT, &options.writeTimeout);
    mysql_optionsv(h, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    // UTC so stored times compare correctly whatever the server's zone; strict mode so
    // a value that does not fit is an error, not a silent truncation.
    mysql_optionsv(h, MYSQL_INIT_COMMAND,
                   "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO'");

    if (!mysql_real_connect(h, nullptr, nullptr, nullptr, nullptr, 0, nullptr, 0))
        // The option file is named: a refused account is for the operator to fix there.
        throw MysqlError(mysql_errno(h), mysql_sqlstate(h),
                         "\"" + options.optionFile + "\" (" + options.optionFileKey + "): " + mysql_error(h));
    if (options.statementCache > 0)
        _cache = std::make_unique<StatementCache>(options.statementCache);
}

MysqlStatement MysqlConnection::prepare(std::string_view sql)
{
    return MysqlStatement(_handle.get(), sql, _cache.get());
}

void MysqlConnection::execute(std::string_view sql)
{
    if (mysql_real_query(_handle.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0)
        throwLastError(sql);
    // Drain any result so the connection is ready for the next statement.
    if (MYSQL_RES* result = mysql_store_result(_handle.get()))
        mysql_free_result(result);
    else if (mysql_field_count(_handle.get()) != 0)
        throwLastError(sql);
}

void MysqlConnection::commit()
{
    if (mysql_commit(_handle.get()) != 0)
        throwLastError("COMMIT");
}

void MysqlConnection::rollback() noexcept
{
    // A failed rollback means the connection is gone, and the server rolls back then.
    (void)mysql_rollback(_handle.get());
}

void MysqlConnection::throwLastError(std::string_view sql) const
{
    MYSQL* h = _handle.get();
    throw MysqlError(mysql_errno(h), mysql_sqlstate(h), mysql_error(h), std::string(sql));
}

} // namespace verpmail
