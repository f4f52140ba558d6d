// SendJournal: the sender's writes, batched, so a run can be killed at any point
// and rerun without mailing anyone twice.
//
// Before a batch is submitted its members are claimed in send_log ('pending') and
// their tracker rows get the EncodedFROM the returns will arrive at, in one
// transaction. After the session each claim is settled: accepted, rejected or
// deferred; uncertain when the server may have the message; and claims for
// messages that were never attempted are released so a rerun sends them. A
// pending claim left by a killed run is reported as uncertain and not resent.
#pragma once

#include "SmtpBatch.h"

#include <string>
#include <vector>

namespace verpmail {

class MysqlConnection;

struct Claim
{
    std::string email;
    std::string encodedFrom;
};

struct Suppression
{
    std::string email;
    std::string encodedFrom;
    std::string reason;
};

class SendJournal
{
public:
    SendJournal(MysqlConnection& db, std::string campaign) : _db(db), _campaign(std::move(campaign)) {}

    /// Creates the campaign row, or checks an existing one belongs to the same list.
    /// Returns false when the id is taken by another list.
    bool openCampaign(unsigned listId, const std::string& messageFile);
    void closeCampaign();

    /// Claims the members for this campaign. Returns the ones actually claimed (a
    /// member already in send_log for this campaign is skipped).
    std::vector<Claim> claim(const std::vector<Claim>& members);

    /// Settles claims with their SMTP results (same order).
    void settle(const std::vector<Claim>& claims, const std::vector<SubmitResult>& results);

    /// Records suppressed members: send_log 'suppressed', tracker SuppressedAt/Reason.
    void suppress(const std::vector<Suppression>& members);

private:
    MysqlConnection& _db;
    std::string _campaign;
};

const char* outcomeName(SubmitOutcome outcome);

} // namespace verpmail
