#include "SendSummary.h"

#include "verpmail/util/Json.h"

#include <cstdio>

namespace verpmail {

std::string SendSummary::toJson() const
{
    JsonWriter j;
    j.beginObject()
        .key("campaign").value(campaign)
        .key("dry_run").value(dryRun)
        .key("members").value(members)
        .key("attempted").value(attempted)
        .key("accepted").value(accepted)
        .key("rejected").value(rejected)
        .key("deferred").value(deferred)
        .key("queued").value(queued)
        .key("retried_4xx").value(deferredAttempts)
        .key("uncertain").value(uncertain)
        .key("already_done").value(alreadyDone)
        .key("in_flight_elsewhere").value(inFlightElsewhere)
        .key("paused").value(paused)
        .key("suppressed").value(suppressed)
        .key("suppressed_by_reason").beginObject();
    for (const auto& [reason, count] : suppressedByReason)
        j.key(reason).value(count);
    j.endObject().key("seconds").value(seconds).endObject();
    return j.str();
}

std::string SendSummary::toLine() const
{
    std::string line = "campaign=" + campaign + (dryRun ? " dry_run=yes" : "") + " members=" + std::to_string(members) +
                       " attempted=" + std::to_string(attempted) + " accepted=" + std::to_string(accepted) +
                       " rejected=" + std::to_string(rejected) + " deferred=" + std::to_string(deferred) +
                       " uncertain=" + std::to_string(uncertain) + " already_done=" + std::to_string(alreadyDone) +
                       " suppressed=" + std::to_string(suppressed);
    for (const auto& [reason, count] : suppressedByReason)
        line += " suppressed_" + reason + "=" + std::to_string(count);
    if (queued)
        line += " queued=" + std::to_string(queued);
    if (paused)
        line += " paused=" + std::to_string(paused);
    if (inFlightElsewhere)
        line += " in_flight_elsewhere=" + std::to_string(inFlightElsewhere);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, " seconds=%.3f", seconds);
    return line + buffer;
}

} // namespace verpmail
