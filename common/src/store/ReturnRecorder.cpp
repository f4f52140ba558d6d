#include "verpmail/store/ReturnRecorder.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/mail/CampaignId.h"
#include "verpmail/store/ReportCounters.h"
#include "verpmail/util/Utf8mb4.h"

namespace verpmail {
namespace {

constexpr std::size_t kReasonColumn = 64;
constexpr std::size_t kStatusColumn = 16;
constexpr std::size_t kDiagnosticColumn = 1000;
constexpr std::size_t kRecipientColumn = 320;

// Text from foreign MTAs, in any charset or none, made into what the utf8mb4
// column takes (else strict mode fails the whole transaction) and bounded by bytes
// (the columns count characters, so a byte bound always fits). Control characters
// other than tab become '?': the text is shown on terminals by verpmail-admin.
std::string columnText(const std::string& text, std::size_t max)
{
    std::string clean = toUtf8mb4(text);
    for (char& c : clean)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
            c = '?';
    return std::string(utf8Prefix(clean, max));
}

std::string kindName(ReturnKind kind)
{
    switch (kind) {
    case ReturnKind::Bounce: return "bounce";
    case ReturnKind::Complaint: return "complaint";
    case ReturnKind::AutoReply: return "autoreply";
    case ReturnKind::Other: break;
    }
    return "other";
}

} // namespace

const char* degradationName(Degradation degradation)
{
    switch (degradation) {
    case Degradation::None: return "no";
    case Degradation::TextEmptied: return "text";
    case Degradation::RawEmptied: return "text,raw";
    }
    return "no";
}

const char* bounceTypeName(BounceClass bounceClass)
{
    switch (bounceClass) {
    case BounceClass::Hard: return "hard";
    case BounceClass::Soft: return "soft";
    case BounceClass::Block: return "block";
    case BounceClass::Complaint: return "complaint";
    case BounceClass::AutoReply: return "autoreply";
    case BounceClass::None: break;
    }
    return "none";
}

Sha256Digest ReturnRecorder::dedupKey(std::string_view rawMessage, std::string_view envelopeRecipient, std::size_t index)
{
    std::string material;
    material.reserve(64 + envelopeRecipient.size());
    const Sha256Digest body = sha256(rawMessage);
    material.append(reinterpret_cast<const char*>(body.data()), body.size());
    material += '\n';
    material += envelopeRecipient;
    material += '\n';
    material += std::to_string(index);
    return sha256(material);
}

void ReturnRecorder::linkIncident(std::uint64_t bounceId, const std::string& domain, const std::string& type,
                                  const std::string& reason)
{
    // Serialise incident bookkeeping per domain across concurrent bouncers; a lock
    // that cannot be had quickly just skips it (the next return will try again).
    MysqlStatement lock = _db.prepare("SELECT GET_LOCK(CONCAT('verpmail.incident.', ?), 2)");
    lock.execute({domain});
    if (!lock.fetch() || lock.integer(0) != 1)
        return;
    struct Release
    {
        MysqlConnection& db;
        const std::string& domain;
        ~Release()
        {
            try {
                MysqlStatement release = db.prepare("DO RELEASE_LOCK(CONCAT('verpmail.incident.', ?))");
                release.execute({domain});
            } catch (...) {
            }
        }
    } release{_db, domain};

    const std::int64_t window = _incident.windowMinutes;
    MysqlStatement open = _db.prepare(
        "SELECT id FROM domain_incidents WHERE domain = ? AND bounce_type = ? AND reason = ? AND closed_at IS NULL"
        " AND last_seen >= UTC_TIMESTAMP() - INTERVAL ? MINUTE ORDER BY id DESC LIMIT 1");
    open.execute({domain, type, reason, static_cast<std::int64_t>(_incident.closeAfterMinutes)});
    std::int64_t incident = open.fetch() ? open.integer(0) : 0;
    if (incident == 0) {
        MysqlStatement count = _db.prepare(
            "SELECT COUNT(DISTINCT email) FROM bounce_logs WHERE domain = ? AND bounce_type = ? AND bounce_reason = ?"
            " AND bounced_at >= UTC_TIMESTAMP() - INTERVAL ? MINUTE AND incident_id IS NULL");
        count.execute({domain, type, reason, window});
        if (!count.fetch() || count.integer(0) < static_cast<std::int64_t>(_incident.members))
            return;
        MysqlStatement create = _db.prepare(
            "INSERT INTO domain_incidents (domain, bounce_type, reason, opened_at, last_seen) VALUES (?, ?, ?,"
            " UTC_TIMESTAMP(), UTC_TIMESTAMP())");
        create.execute({domain, type, reason});
        incident = static_cast<std::int64_t>(create.insertId());
        // The returns that opened it stop counting too.
        MysqlStatement adopt = _db.prepare(
            "UPDATE bounce_logs SET incident_id = ? WHERE domain = ? AND bounce_type = ? AND bounce_reason = ?"
            " AND bounced_at >= UTC_TIMESTAMP() - INTERVAL ? MINUTE AND incident_id IS NULL");
        adopt.execute({incident, domain, type, reason, window});
    } else {
        MysqlStatement link = _db.prepare("UPDATE bounce_logs SET incident_id = ? WHERE id = ?");
        link.execute({incident, static_cast<std::int64_t>(bounceId)});
    }
    MysqlStatement touch = _db.prepare(
        "UPDATE domain_incidents SET last_seen = UTC_TIMESTAMP(),"
        " returns = (SELECT COUNT(*) FROM bounce_logs WHERE incident_id = ?),"
        " members = (SELECT COUNT(DISTINCT email) FROM bounce_logs WHERE incident_id = ?) WHERE id = ?");
    touch.execute({incident, incident, incident});
}

void ReturnRecorder::applyToMember(const ReturnEntry& entry, const Columns& columns, std::uint64_t bounceId,
                                   const std::string& domain, bool linkIncidents)
{
    const BounceClass cls = entry.result.bounceClass;
    const std::string type = bounceTypeName(cls);
    if (linkIncidents && (cls == BounceClass::Soft || cls == BounceClass::Block))
        linkIncident(bounceId, domain, type, columns.reason);

    // Failures (hard, soft, block) move BounceCount and the LastBounce rotation the
    // operators know; the per-class counts are what the policy reads, so a block
    // never counts against the member. Complaints and auto-replies have their own
    // counters, and an auto-reply is counted nowhere.
    // MariaDB applies single-table SET assignments left to right, so the rotation
    // reads each old value before it is overwritten.
    const char* update = nullptr;
    switch (cls) {
    case BounceClass::Hard:
    case BounceClass::Soft:
    case BounceClass::Block:
        update = "BounceCount = BounceCount + 1, FirstBounce = IFNULL(FirstBounce, UTC_TIMESTAMP()),"
                 " SentSinceBounce = IF(? IN ('hard','soft'), 0, SentSinceBounce),"
                 " LastBounce3 = LastBounce2, LastBounce2 = LastBounce, LastBounce = UTC_TIMESTAMP(),"
                 " HardBounceCount = HardBounceCount + (? = 'hard'), SoftBounceCount = SoftBounceCount + (? = 'soft'),"
                 " BlockCount = BlockCount + (? = 'block'), LastBounceClass = ?";
        break;
    case BounceClass::Complaint:
        update = "ComplaintCount = ComplaintCount + 1, LastBounceClass = ?";
        break;
    case BounceClass::AutoReply:
    case BounceClass::None:
        break;
    }
    if (update) {
        std::vector<SqlValue> params;
        const int typeParams = cls == BounceClass::Complaint ? 1 : 5;
        for (int i = 0; i < typeParams; ++i)
            params.emplace_back(type);
        params.emplace_back(*entry.email);
        MysqlStatement tracker = _db.prepare(std::string("UPDATE EmailAddressTracker SET ") + update + " WHERE EmailAddress = ?");
        tracker.execute(params);
        // Every update above changes a counter, so no row changed means no row. It
        // normally exists (the sender wrote it before mailing); a return for an
        // address decoded from a plain VERP address may arrive without one. Updating
        // first costs the common case one statement instead of two.
        if (tracker.affectedRows() == 0) {
            MysqlStatement ensure = _db.prepare("INSERT IGNORE INTO EmailAddressTracker (EmailAddress, EncodedFROM) VALUES (?, ?)");
            ensure.execute({*entry.email, entry.encodedFrom});
            tracker.execute(params);
        }
    }

    if (cls == BounceClass::Hard || cls == BounceClass::Soft) {
        // Only the campaign's list when the return names a campaign we know; else
        // every list the address is on (the return cannot say which it came from).
        MysqlStatement members = _db.prepare(
            "UPDATE members SET bounce_count = bounce_count + 1, last_bounce_at = UTC_TIMESTAMP(),"
            " bounce_status = IF(? = 'hard', 'hard', IF(bounce_status = 'hard', 'hard', 'soft'))"
            " WHERE email = ? AND (? IS NULL OR list_id = (SELECT c.list_id FROM campaigns c WHERE c.id = ?)"
            "      OR NOT EXISTS (SELECT 1 FROM campaigns c2 WHERE c2.id = ?))");
        const SqlValue campaign(columns.campaign);
        members.execute({type, *entry.email, campaign, campaign, campaign});
    }
}

ReturnRecorder::Columns ReturnRecorder::columnsFor(const ReturnEntry& entry, std::size_t maxUnattributedBytes,
                                                   Degradation level)
{
    Columns c;
    if (level == Degradation::None) {
        c.reason = columnText(entry.result.reason, kReasonColumn);
        c.status = columnText(entry.result.status, kStatusColumn);
        c.diagnostic = columnText(entry.result.diagnostic, kDiagnosticColumn);
        c.envelopeRecipient = columnText(entry.envelopeRecipient, kRecipientColumn);
        // The column is ASCII and the id came with the return: only an id the
        // sender could have issued names a campaign.
        if (validCampaignId(entry.campaign))
            c.campaign = entry.campaign;
    }
    if (level != Degradation::RawEmptied)
        c.raw = entry.email ? entry.rawMessage : entry.rawMessage.substr(0, maxUnattributedBytes);
    return c;
}

RecordResult ReturnRecorder::record(const ReturnEntry& entry)
{
    RecordResult result;
    result.rawCapped = !entry.email && entry.rawMessage.size() > _maxUnattributedBytes;
    for (const Degradation level : {Degradation::None, Degradation::TextEmptied, Degradation::RawEmptied}) {
        try {
            // Incidents group returns by reason; a degraded return has none.
            result.outcome = recordOnce(entry, columnsFor(entry, _maxUnattributedBytes, level), level == Degradation::None);
            result.degradation = level;
            return result;
        } catch (const MysqlError& e) {
            // The same values are refused every time: try again with less of them.
            // Anything else is the environment's failure, for the caller to defer.
            if (!e.isDataError())
                throw;
            if (result.refusal.empty())
                result.refusal = e.what();
            if (level == Degradation::RawEmptied)
                throw UnrecordableReturn("the database refuses the return even with its text and raw message emptied: " +
                                             std::string(e.what()),
                                         e.errorNumber());
        }
    }
    throw UnrecordableReturn("the database refuses the return", 0);  // not reached: the loop returns or throws
}

RecordOutcome ReturnRecorder::recordOnce(const ReturnEntry& entry, const Columns& columns, bool linkIncidents)
{
    Transaction tx(_db);
    const std::string type = entry.email ? bounceTypeName(entry.result.bounceClass) : "unattributed";

    MysqlStatement insert = _db.prepare(
        "INSERT INTO bounce_logs (email, domain, bounce_type, bounce_reason, status_code, diagnostic, bounced_at,"
        " raw_message, campaign, envelope_recipient, kind, dedup_key)"
        " VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), ?, ?, ?, ?, ?)");
    const std::string domain = entry.email ? entry.email->substr(entry.email->rfind('@') + 1) : std::string();
    try {
        insert.execute({SqlValue(entry.email), domain.empty() ? SqlValue() : SqlValue(domain), type, columns.reason,
                        columns.status, columns.diagnostic, SqlValue(columns.raw), SqlValue(columns.campaign),
                        columns.envelopeRecipient, kindName(entry.kind),
                        std::string(reinterpret_cast<const char*>(entry.dedupKey.data()), entry.dedupKey.size())});
    } catch (const MysqlError& e) {
        if (e.isDuplicateKey())
            return RecordOutcome::Duplicate;  // tx rolls back
        throw;
    }

    if (entry.email)
        applyToMember(entry, columns, insert.insertId(), domain, linkIncidents);
    // Counted last: the report counters (today's rows above all) are what concurrent
    // bouncers and senders share most, so they are locked only until the commit.
    countReturn(_db, insert.insertId());
    tx.commit();
    return RecordOutcome::Recorded;
}

} // namespace verpmail
