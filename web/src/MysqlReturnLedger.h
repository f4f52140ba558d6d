// MysqlReturnLedger: the ReturnLedger of the running server: TrackerStore for the
// EncodedFROM of an address, and ReturnRecorder, the one writer of bounce facts (the
// bouncer's), with the policy's incident settings and soft rule and
// bouncer.maxUnattributedBytes, on a connection of the pool.
#pragma once

#include "ConnectionPool.h"
#include "ReturnLedger.h"

#include "verpmail/policy/Policy.h"

namespace verpmail::web {

class MysqlReturnLedger : public ReturnLedger
{
public:
    /// `pool` must outlive the ledger.
    MysqlReturnLedger(ConnectionPool& pool, PolicySettings policy, std::size_t maxUnattributedBytes);

    std::optional<std::string> encodedFromOf(const std::string& email) override;
    RecordResult record(const ReturnEntry& entry) override;

private:
    ConnectionPool& _pool;
    const PolicySettings _policy;
    const std::size_t _maxUnattributedBytes;
};

} // namespace verpmail::web
