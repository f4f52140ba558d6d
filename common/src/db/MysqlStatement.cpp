#include "verpmail/db/MysqlStatement.h"

#include "verpmail/db/MysqlError.h"
#include "verpmail/db/StatementCache.h"

#include <cstring>

namespace verpmail {
namespace {

constexpr unsigned long kInitialColumnBuffer = 256;

} // namespace

MysqlStatement::MysqlStatement(MYSQL* connection, std::string_view sql, StatementCache* cache) : _sql(sql), _cache(cache)
{
    if (_cache) {
        _stmt.reset(_cache->take(_sql));
        if (_stmt)
            return;
    }
    _stmt.reset(mysql_stmt_init(connection));
    if (!_stmt)
        throw MysqlError(mysql_errno(connection), mysql_sqlstate(connection), mysql_error(connection), _sql);
    if (mysql_stmt_prepare(_stmt.get(), _sql.data(), static_cast<unsigned long>(_sql.size())) != 0)
        throwError();
}

MysqlStatement::~MysqlStatement()
{
    if (_stmt && _cache && _reusable)
        _cache->giveBack(_sql, _stmt.release());
}

MysqlStatement::MysqlStatement(MysqlStatement&& other) noexcept
    : _stmt(std::move(other._stmt)),
      _sql(std::move(other._sql)),
      _cache(other._cache),
      _reusable(other._reusable),
      _paramBinds(std::move(other._paramBinds)),
      _paramInts(std::move(other._paramInts)),
      _paramStrings(std::move(other._paramStrings)),
      _resultBinds(std::move(other._resultBinds)),
      _resultBuffers(std::move(other._resultBuffers)),
      _resultLengths(std::move(other._resultLengths)),
      _resultNulls(std::move(other._resultNulls)),
      _resultErrors(std::move(other._resultErrors)),
      _row(std::move(other._row)),
      _rowNull(std::move(other._rowNull))
{
}

void MysqlStatement::throwError()
{
    _reusable = false;
    MYSQL_STMT* s = _stmt.get();
    throw MysqlError(mysql_stmt_errno(s), mysql_stmt_sqlstate(s), mysql_stmt_error(s), _sql);
}

void MysqlStatement::execute(const std::vector<SqlValue>& params, bool stream)
{
    MYSQL_STMT* s = _stmt.get();
    if (params.size() != mysql_stmt_param_count(s))
        throw MysqlError(2034, "HY000",
                         "statement takes " + std::to_string(mysql_stmt_param_count(s)) + " parameters, got " +
                             std::to_string(params.size()),
                         _sql);

    _paramBinds.assign(params.size(), MYSQL_BIND{});
    _paramInts.assign(params.size(), 0);
    _paramStrings.assign(params.size(), std::string());
    for (std::size_t i = 0; i < params.size(); ++i) {
        MYSQL_BIND& b = _paramBinds[i];
        const auto& v = params[i].value();
        if (std::holds_alternative<std::monostate>(v)) {
            b.buffer_type = MYSQL_TYPE_NULL;
        } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
            _paramInts[i] = *n;
            b.buffer_type = MYSQL_TYPE_LONGLONG;
            b.buffer = &_paramInts[i];
        } else {
            _paramStrings[i] = std::get<std::string>(v);
            b.buffer_type = MYSQL_TYPE_STRING;
            b.buffer = _paramStrings[i].data();
            b.buffer_length = static_cast<unsigned long>(_paramStrings[i].size());
        }
    }
    if (!_paramBinds.empty() && mysql_stmt_bind_param(s, _paramBinds.data()) != 0)
        throwError();
    if (mysql_stmt_execute(s) != 0)
        throwError();

    const unsigned columns = mysql_stmt_field_count(s);
    _row.assign(columns, std::string());
    _rowNull.assign(columns, true);
    if (columns == 0)
        return;

    _resultBinds.assign(columns, MYSQL_BIND{});
    _resultBuffers.assign(columns, std::string(kInitialColumnBuffer, '\0'));
    _resultLengths.assign(columns, 0);
    _resultNulls.assign(columns, 0);
    _resultErrors.assign(columns, 0);
    for (unsigned i = 0; i < columns; ++i) {
        MYSQL_BIND& b = _resultBinds[i];
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = _resultBuffers[i].data();
        b.buffer_length = kInitialColumnBuffer;
        b.length = &_resultLengths[i];
        b.is_null = &_resultNulls[i];
        b.error = &_resultErrors[i];
    }
    if (mysql_stmt_bind_result(s, _resultBinds.data()) != 0)
        throwError();
    // A result left half-read on the server cannot be reused without a reset.
    if (stream)
        _reusable = false;
    if (!stream && mysql_stmt_store_result(s) != 0)
        throwError();
}

bool MysqlStatement::fetch()
{
    MYSQL_STMT* s = _stmt.get();
    if (_resultBinds.empty())
        return false;
    const int rc = mysql_stmt_fetch(s);
    if (rc == MYSQL_NO_DATA)
        return false;
    if (rc == 1)
        throwError();
    for (std::size_t i = 0; i < _resultBinds.size(); ++i) {
        _rowNull[i] = _resultNulls[i] != 0;
        if (_rowNull[i]) {
            _row[i].clear();
            continue;
        }
        const unsigned long length = _resultLengths[i];
        if (length <= _resultBinds[i].buffer_length) {
            _row[i].assign(_resultBuffers[i].data(), length);
            continue;
        }
        // MYSQL_DATA_TRUNCATED for this column: fetch it again into a buffer of the
        // real size. The bound buffer keeps its size for the next rows.
        _row[i].assign(length, '\0');
        MYSQL_BIND whole{};
        whole.buffer_type = MYSQL_TYPE_STRING;
        whole.buffer = _row[i].data();
        whole.buffer_length = length;
        unsigned long got = 0;
        whole.length = &got;
        if (mysql_stmt_fetch_column(s, &whole, static_cast<unsigned>(i), 0) != 0)
            throwError();
        _row[i].resize(got);
    }
    return true;
}

bool MysqlStatement::isNull(std::size_t column) const
{
    return _rowNull.at(column);
}

std::string MysqlStatement::text(std::size_t column) const
{
    return _row.at(column);
}

std::optional<std::string> MysqlStatement::optionalText(std::size_t column) const
{
    if (isNull(column))
        return std::nullopt;
    return _row.at(column);
}

std::int64_t MysqlStatement::integer(std::size_t column) const
{
    if (isNull(column) || _row.at(column).empty())
        return 0;
    return std::stoll(_row[column]);
}

std::uint64_t MysqlStatement::affectedRows() const
{
    return mysql_stmt_affected_rows(_stmt.get());
}

std::uint64_t MysqlStatement::insertId() const
{
    return mysql_stmt_insert_id(_stmt.get());
}

} // namespace verpmail
