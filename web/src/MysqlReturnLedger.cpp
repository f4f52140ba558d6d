#include "MysqlReturnLedger.h"

#include "verpmail/store/TrackerStore.h"

namespace verpmail::web {

MysqlReturnLedger::MysqlReturnLedger(ConnectionPool& pool, PolicySettings policy, std::size_t maxUnattributedBytes)
    : _pool(pool), _policy(std::move(policy)), _maxUnattributedBytes(maxUnattributedBytes)
{
}

std::optional<std::string> MysqlReturnLedger::encodedFromOf(const std::string& email)
{
    return _pool.with<std::optional<std::string>>([&](MysqlConnection& db) -> std::optional<std::string> {
        const std::optional<TrackerRow> row = TrackerStore(db).find(email);
        if (!row)
            return std::nullopt;
        return row->encodedFrom;
    });
}

RecordResult MysqlReturnLedger::record(const ReturnEntry& entry)
{
    // Safe to repeat on a new connection: a return that was committed before the old
    // one was lost is found again by its dedup key (Duplicate).
    return _pool.with<RecordResult>(
        [&](MysqlConnection& db) { return ReturnRecorder(db, _policy, _maxUnattributedBytes).record(entry); });
}

} // namespace verpmail::web
