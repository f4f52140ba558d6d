#include "verpmail/store/TrackerStore.h"

#include "verpmail/db/MysqlConnection.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cctype>

namespace verpmail {

std::string utcDaysAgo(unsigned days)
{
    Poco::Timestamp now;
    now -= Poco::Timespan(static_cast<int>(days), 0, 0, 0, 0);
    return Poco::DateTimeFormatter::format(now, "%Y-%m-%d %H:%M:%S");
}

std::optional<std::string> TrackerStore::emailForEncodedFrom(const std::string& localPart)
{
    std::string key = localPart;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // A token of the key before the last rotation counts until its row says so.
    MysqlStatement st = _db.prepare(
        "SELECT EmailAddress FROM EmailAddressTracker WHERE EncodedFROM = ? UNION ALL "
        "SELECT EmailAddress FROM EmailAddressTracker WHERE PreviousEncodedFROM = ? AND PreviousEncodedUntil > UTC_TIMESTAMP()"
        " LIMIT 1");
    st.execute({key, key});
    if (!st.fetch())
        return std::nullopt;
    return st.text(0);
}

std::optional<TrackerRow> TrackerStore::find(const std::string& email)
{
    MysqlStatement st = _db.prepare(
        "SELECT EmailAddress, EncodedFROM, IgnoreBounces, MsgCount, FirstEmail, LastEmail, FirstBounce, LastBounce,"
        " LastBounce2, LastBounce3, BounceCount, HardBounceCount, SoftBounceCount, BlockCount, ComplaintCount,"
        " AutoReplyCount, CountsResetAt, SuppressedAt, SuppressedReason"
        " FROM EmailAddressTracker WHERE EmailAddress = ?");
    st.execute({email});
    if (!st.fetch())
        return std::nullopt;
    TrackerRow r;
    r.emailAddress = st.text(0);
    r.encodedFrom = st.text(1);
    r.ignoreBounces = st.integer(2) != 0;
    r.msgCount = st.integer(3);
    r.firstEmail = st.optionalText(4);
    r.lastEmail = st.optionalText(5);
    r.firstBounce = st.optionalText(6);
    r.lastBounce = st.optionalText(7);
    r.lastBounce2 = st.optionalText(8);
    r.lastBounce3 = st.optionalText(9);
    r.bounceCount = st.integer(10);
    r.hardBounceCount = st.integer(11);
    r.softBounceCount = st.integer(12);
    r.blockCount = st.integer(13);
    r.complaintCount = st.integer(14);
    r.autoReplyCount = st.integer(15);
    r.countsResetAt = st.optionalText(16);
    r.suppressedAt = st.optionalText(17);
    r.suppressedReason = st.optionalText(18);
    return r;
}

} // namespace verpmail
