#include "verpmail/store/ReturnRecorder.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/mail/CampaignId.h"
#include "verpmail/store/PolicyStore.h"
#include "verpmail/store/ReportCounters.h"
#include "verpmail/util/Printable.h"
#include "verpmail/util/Utf8mb4.h"

#include <Poco/Logger.h>
#include <Poco/String.h>

namespace verpmail {
namespace {

constexpr std::size_t kReasonColumn = 64;
constexpr std::size_t kStatusColumn = 16;
constexpr std::size_t kDiagnosticColumn = 1000;
constexpr std::size_t kRecipientColumn = 320;
constexpr std::size_t kHostColumn = 255;

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

bool ReturnRecorder::softThresholdReached(const std::string& email)
{
    const PolicyRule* rule = softRule(_policy);
    if (!rule)
        return false;
    // The policy's own count (this return included: it is in the transaction), so
    // the seeds' 'soft' means what the sender's quarantine means.
    const std::string now = utcNow();
    const auto subjects = PolicyStore(_db).load({email}, _policy, now);
    const auto it = subjects.find(email);
    return it != subjects.end() && thresholdReached(*rule, it->second.state, it->second.facts, now);
}

std::optional<OpenedIncident> ReturnRecorder::applyToMember(const ReturnEntry& entry, const Columns& columns,
                                                            std::uint64_t bounceId, const std::string& domain,
                                                            bool linkIncidents)
{
    const BounceClass cls = entry.result.bounceClass;
    const std::string type = bounceTypeName(cls);
    std::optional<OpenedIncident> opened;
    if (linkIncidents && (cls == BounceClass::Soft || cls == BounceClass::Block) && !isPerMailboxReason(columns.reason))
        opened = IncidentStore(_db, _policy.incident).link(bounceId, *entry.email, domain, type, columns.reason);

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
        // 'hard' on a hard bounce; 'soft' only once the soft rule fires (a return
        // linked to an incident never counts); never from 'hard' back to 'soft'.
        const bool soft = cls == BounceClass::Soft && softThresholdReached(*entry.email);
        // Only the campaign's list when the return names a campaign we know; else
        // every list the address is on (the return cannot say which it came from).
        MysqlStatement members = _db.prepare(
            "UPDATE members SET bounce_count = bounce_count + 1, last_bounce_at = UTC_TIMESTAMP(),"
            " bounce_status = IF(? = 'hard', 'hard', IF(? AND bounce_status = 'clean', 'soft', bounce_status))"
            " WHERE email = ? AND (? IS NULL OR list_id = (SELECT c.list_id FROM campaigns c WHERE c.id = ?)"
            "      OR NOT EXISTS (SELECT 1 FROM campaigns c2 WHERE c2.id = ?))");
        const SqlValue campaign(columns.campaign);
        members.execute({type, soft ? 1 : 0, *entry.email, campaign, campaign, campaign});
    }
    return opened;
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
        // Incidents count distinct hosts: one spelling per host.
        const std::string host = Poco::toLower(columnText(Poco::trim(entry.result.remoteMta), kHostColumn));
        if (!host.empty())
            c.reportingHost = host;
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
            recordOnce(entry, columnsFor(entry, _maxUnattributedBytes, level), level == Degradation::None, result);
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

void ReturnRecorder::recordOnce(const ReturnEntry& entry, const Columns& columns, bool linkIncidents,
                                RecordResult& result)
{
    Transaction tx(_db);
    const std::string type = entry.email ? bounceTypeName(entry.result.bounceClass) : "unattributed";

    MysqlStatement insert = _db.prepare(
        "INSERT INTO bounce_logs (email, domain, reporting_host, bounce_type, bounce_reason, status_code, diagnostic,"
        " bounced_at, raw_message, campaign, envelope_recipient, kind, dedup_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), ?, ?, ?, ?, ?)");
    const std::string domain = entry.email ? entry.email->substr(entry.email->rfind('@') + 1) : std::string();
    try {
        insert.execute({SqlValue(entry.email), domain.empty() ? SqlValue() : SqlValue(domain),
                        SqlValue(columns.reportingHost), type, columns.reason, columns.status, columns.diagnostic,
                        SqlValue(columns.raw), SqlValue(columns.campaign), columns.envelopeRecipient,
                        kindName(entry.kind),
                        std::string(reinterpret_cast<const char*>(entry.dedupKey.data()), entry.dedupKey.size())});
    } catch (const MysqlError& e) {
        if (e.isDuplicateKey()) {
            result.outcome = RecordOutcome::Duplicate;  // tx rolls back
            return;
        }
        throw;
    }

    std::optional<OpenedIncident> opened;
    if (entry.email)
        opened = applyToMember(entry, columns, insert.insertId(), domain, linkIncidents);
    // Counted last: the report counters (today's rows above all) are what concurrent
    // bouncers and senders share most, so they are locked only until the commit.
    countReturn(_db, insert.insertId());
    tx.commit();
    result.outcome = RecordOutcome::Recorded;
    if (opened) {
        result.openedIncident = opened->id;
        // Logged once committed, so the line never names an incident that is not there.
        Poco::Logger::get("verpmail.incident").notice("incident=opened " + printable(describe(*opened), 400));
    }
}

} // namespace verpmail
