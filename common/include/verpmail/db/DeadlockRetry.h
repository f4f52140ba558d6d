// DeadlockRetry: runs a unit of database work again when InnoDB chose it as the
// victim of a deadlock or a lock wait timed out.
//
// Concurrent senders (threads and processes) insert tracker rows whose unique
// EncodedFROM keys lock index gaps in an order no caller controls; InnoDB then
// aborts one transaction with 1213 and expects it to be retried. The work must be
// a whole transaction (or one autocommit statement): the aborted attempt has been
// rolled back entirely, so running it again is safe. On a Galera cluster a
// transaction that lost certification to another node's (both wrote a shared
// report counter row, say) fails with 1213 too: the random back-off keeps writers
// on different nodes from colliding again in step.
#pragma once

#include "verpmail/db/MysqlError.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace verpmail {

template <typename Work>
auto withDeadlockRetry(Work&& work, int attempts = 10) -> decltype(work())
{
    for (int attempt = 1;; ++attempt) {
        try {
            return work();
        } catch (const MysqlError& e) {
            const bool lockConflict = e.errorNumber() == 1213 || e.errorNumber() == 1205;
            if (!lockConflict || attempt >= attempts)
                throw;
            // Back off a little, longer each time and at random, so the winners can finish.
            thread_local std::minstd_rand random(std::random_device{}());
            const int limit = std::min(5 * attempt * attempt, 250);
            std::this_thread::sleep_for(std::chrono::milliseconds(limit / 2 + static_cast<int>(random() % (limit / 2 + 1))));
        }
    }
}

} // namespace verpmail
