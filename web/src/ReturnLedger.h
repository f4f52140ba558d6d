// ReturnLedger: what the SNS webhook needs of the database, behind an interface so
// that it is tested without MariaDB (MysqlReturnLedger is the real one: TrackerStore
// and ReturnRecorder underneath, the very recorder the bouncer uses).
//
// A failure of the database is a StoreUnavailable (MembershipDirectory.h): the
// webhook answers 503 with Retry-After, and SNS delivers the notification again;
// what was recorded before the failure is recognised then by its dedup key.
#pragma once

#include "MembershipDirectory.h"

#include "verpmail/store/ReturnRecorder.h"

#include <optional>
#include <string>

namespace verpmail::web {

class ReturnLedger
{
public:
    virtual ~ReturnLedger() = default;

    /// The EncodedFROM of the tracker row of a normalised address: the address was
    /// mailed by verpmail-send; nullopt when it has no row. @throws StoreUnavailable.
    virtual std::optional<std::string> encodedFromOf(const std::string& email) = 0;

    /// ReturnRecorder::record (one transaction, idempotent by entry.dedupKey).
    /// @throws StoreUnavailable, UnrecordableReturn (the database refuses every form of it).
    virtual RecordResult record(const ReturnEntry& entry) = 0;
};

} // namespace verpmail::web
