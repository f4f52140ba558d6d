#include "verpmail/store/ReturnRecorder.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/store/ReportCounters.h"

namespace verpmail {
namespace {

constexpr std::size_t kDiagnosticColumn = 1000;

std::string bounded(const std::string& text, std::size_t max)
{
    if (text.size() <= max)
        return text;
    // Do not cut a UTF-8 sequence in half: strict mode rejects invalid utf8mb4.
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.substr(0, cut);
}

// Diagnostic text comes from foreign MTAs in any charset; the column is utf8mb4 and
// strict mode would refuse invalid sequences, failing the whole transaction. Keep
// printable ASCII and well-formed UTF-8, replace everything else.
std::string validUtf8(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool ok = len > 0 && i + len <= text.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        if (ok && len == 1 && c < 0x20 && c != '\t')
            ok = false;
        if (ok) {
            out.append(text, i, len);
            i += len;
        } else {
            out += '?';
            ++i;
        }
    }
    return out;
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

void ReturnRecorder::applyToMember(const ReturnEntry& entry, std::uint64_t bounceId, const std::string& domain)
{
    const BounceClass cls = entry.result.bounceClass;
    const std::string type = bounceTypeName(cls);
    if (cls == BounceClass::Soft || cls == BounceClass::Block)
        linkIncident(bounceId, domain, type, bounded(validUtf8(entry.result.reason), 64));

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
        const SqlValue campaign = entry.campaign.empty() ? SqlValue() : SqlValue(entry.campaign);
        members.execute({type, *entry.email, campaign, campaign, campaign});
    }
}

RecordOutcome ReturnRecorder::record(const ReturnEntry& entry)
{
    Transaction tx(_db);
    const std::string type = entry.email ? bounceTypeName(entry.result.bounceClass) : "unattributed";

    MysqlStatement insert = _db.prepare(
        "INSERT INTO bounce_logs (email, domain, bounce_type, bounce_reason, status_code, diagnostic, bounced_at,"
        " raw_message, campaign, envelope_recipient, kind, dedup_key)"
        " VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), ?, ?, ?, ?, ?)");
    const std::string domain = entry.email ? entry.email->substr(entry.email->rfind('@') + 1) : std::string();
    try {
        insert.execute({SqlValue(entry.email), domain.empty() ? SqlValue() : SqlValue(domain), type, bounded(validUtf8(entry.result.reason), 64),
                        bounded(validUtf8(entry.result.status), 16),
                        bounded(validUtf8(entry.result.diagnostic), kDiagnosticColumn), entry.rawMessage,
                        entry.campaign.empty() ? SqlValue() : SqlValue(bounded(entry.campaign, 64)),
                        bounded(validUtf8(entry.envelopeRecipient), 320), kindName(entry.kind),
                        std::string(reinterpret_cast<const char*>(entry.dedupKey.data()), entry.dedupKey.size())});
    } catch (const MysqlError& e) {
        if (e.isDuplicateKey())
            return RecordOutcome::Duplicate;  // tx rolls back
        throw;
    }

    if (entry.email)
        applyToMember(entry, insert.insertId(), domain);
    // Counted last: the report counters (today's rows above all) are what concurrent
    // bouncers and senders share most, so they are locked only until the commit.
    countReturn(_db, insert.insertId());
    tx.commit();
    return RecordOutcome::Recorded;
}

} // namespace verpmail
