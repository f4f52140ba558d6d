#include "verpmail/db/MysqlError.h"

#include <algorithm>
#include <array>

namespace verpmail {

MysqlError::MysqlError(unsigned errorNumber, std::string sqlState, const std::string& message, std::string sql)
    : std::runtime_error("MySQL error " + std::to_string(errorNumber) + " (" + sqlState + "): " + message),
      _errorNumber(errorNumber), _sqlState(std::move(sqlState)), _sql(std::move(sql))
{
}

bool MysqlError::isTransient() const
{
    // Client errors 2000-2999 are about reaching the server (can't connect, gone
    // away, lost, timeouts, out of memory); the server errors listed are overload and
    // lock conflicts. Anything else (syntax, missing table, access denied) needs a
    // human, but the bouncer still defers those: see BouncerApp.
    static constexpr std::array<unsigned, 9> kServerTransient = {
        1040, // ER_CON_COUNT_ERROR: too many connections
        1053, // ER_SERVER_SHUTDOWN
        1205, // ER_LOCK_WAIT_TIMEOUT
        1213, // ER_LOCK_DEADLOCK
        1927, // ER_CONNECTION_KILLED
        3024, // ER_QUERY_TIMEOUT (MySQL)
        1969, // ER_STATEMENT_TIMEOUT (MariaDB)
        1290, // ER_OPTION_PREVENTS_STATEMENT: read_only, as on a replica until failover ends
        1047, // ER_UNKNOWN_COM_ERROR: a Galera node leaving or not yet synced ("WSREP has
              // not yet prepared node for application use")
    };
    if (_errorNumber >= 2000 && _errorNumber < 3000)
        return true;
    return std::find(kServerTransient.begin(), kServerTransient.end(), _errorNumber) != kServerTransient.end();
}

bool MysqlError::isDataError() const
{
    static constexpr std::array<unsigned, 11> kDataErrors = {
        1048, // ER_BAD_NULL_ERROR: column cannot be null
        1264, // ER_WARN_DATA_OUT_OF_RANGE
        1265, // WARN_DATA_TRUNCATED
        1267, // ER_CANT_AGGREGATE_2COLLATIONS: a value in a character set its comparison cannot take
        1270, // ER_CANT_AGGREGATE_3COLLATIONS
        1271, // ER_CANT_AGGREGATE_NCOLLATIONS
        1292, // ER_TRUNCATED_WRONG_VALUE
        1300, // ER_INVALID_CHARACTER_STRING
        1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: "Incorrect string value"
        1406, // ER_DATA_TOO_LONG
        1364, // ER_NO_DEFAULT_FOR_FIELD
    };
    // SQLSTATE class 22 is "data exception" whatever the error number.
    return _sqlState.rfind("22", 0) == 0 ||
           std::find(kDataErrors.begin(), kDataErrors.end(), _errorNumber) != kDataErrors.end();
}

bool MysqlError::isSchemaBehind() const
{
    return _errorNumber == 1146     // ER_NO_SUCH_TABLE
           || _errorNumber == 1054  // ER_BAD_FIELD_ERROR
           || _errorNumber == 1305; // ER_SP_DOES_NOT_EXIST
}

std::string MysqlError::describe() const
{
    if (isLoginRefused())
        return std::string(what()) + " (check user, password and database in that file)";
    if (isPrivilegeMissing())
        return std::string(what()) + " (the account lacks a privilege: verpmail-admin db accounts --help lists them)";
    return std::string(what()) + (isSchemaBehind() ? " (run: verpmail-admin db migrate)" : "");
}

} // namespace verpmail
