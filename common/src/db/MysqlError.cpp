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
    static constexpr std::array<unsigned, 7> kServerTransient = {
        1040, // ER_CON_COUNT_ERROR: too many connections
        1053, // ER_SERVER_SHUTDOWN
        1205, // ER_LOCK_WAIT_TIMEOUT
        1213, // ER_LOCK_DEADLOCK
        1927, // ER_CONNECTION_KILLED
        3024, // ER_QUERY_TIMEOUT (MySQL)
        1969, // ER_STATEMENT_TIMEOUT (MariaDB)
    };
    if (_errorNumber >= 2000 && _errorNumber < 3000)
        return true;
    return std::find(kServerTransient.begin(), kServerTransient.end(), _errorNumber) != kServerTransient.end();
}

bool MysqlError::isSchemaBehind() const
{
    return _errorNumber == 1146     // ER_NO_SUCH_TABLE
           || _errorNumber == 1054  // ER_BAD_FIELD_ERROR
           || _errorNumber == 1305; // ER_SP_DOES_NOT_EXIST
}

std::string MysqlError::describe() const
{
    return std::string(what()) + (isSchemaBehind() ? " (run: verpmail-admin db migrate)" : "");
}

} // namespace verpmail
