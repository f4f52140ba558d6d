// MysqlError: a failure reported by libmariadb, carrying what an operator needs
// (error number, SQLSTATE, the statement) and the one question callers ask:
// could the same work succeed if tried again later?
#pragma once

#include <stdexcept>
#include <string>

namespace verpmail {

class MysqlError : public std::runtime_error
{
public:
    MysqlError(unsigned errorNumber, std::string sqlState, const std::string& message, std::string sql = {});

    unsigned errorNumber() const { return _errorNumber; }
    const std::string& sqlState() const { return _sqlState; }
    const std::string& sql() const { return _sql; }

    /// True for failures of the environment that go away by themselves: the server
    /// is unreachable, gone, timed out, overloaded, or a lock/deadlock aborted the
    /// transaction. The bouncer exits 75 on these so Postfix retries.
    bool isTransient() const;

    /// True when the server refused the statement's values themselves: a string its
    /// column's character set cannot hold, a value too long or out of range, a NULL
    /// where none may be. The same values are refused every time, so retrying is
    /// useless; storing them changed (ReturnRecorder empties the text) is not.
    bool isDataError() const;

    /// True when the server refused the account or database of the option file
    /// (wrong user, password or database name), or a privilege the account lacks: a
    /// configuration error, exit 78.
    bool isAccountRefused() const { return isLoginRefused() || isPrivilegeMissing(); }
    bool isLoginRefused() const
    {
        return _errorNumber == 1044 || _errorNumber == 1045 || _errorNumber == 1049 || _errorNumber == 1698;
    }
    bool isPrivilegeMissing() const { return _errorNumber == 1142 || _errorNumber == 1143 || _errorNumber == 1370; }

    /// True when the error is a duplicate key on an INSERT (ER_DUP_ENTRY).
    bool isDuplicateKey() const { return _errorNumber == 1062; }

    /// True when the program expects a table, column or procedure the database does
    /// not have: the schema is older than the program (`verpmail-admin db migrate`).
    bool isSchemaBehind() const;

    /// what(), plus the remedy when there is one an operator can apply.
    std::string describe() const;

private:
    unsigned _errorNumber;
    std::string _sqlState;
    std::string _sql;
};

/// The configuration cannot work (a missing option file, a bad value). Operators fix
/// these; the bouncer still exits 75 so no return is lost while they do.
class ConfigError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace verpmail
