#include "ReturnContract.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail {
namespace {

// Every outcome, what pipe(8) and LMTP are told. A change here changes what Postfix
// does with a return: only 75 / 4xx keep it queued, 0 / 250 mean it is stored.
struct ContractRow
{
    Outcome outcome;
    int exitStatus;
    const char* pipeStatus;  ///< start of the status line, "" for none
    const char* lmtpStart;   ///< start of the LMTP reply after DATA
    bool stored;
    bool retryable;
};

const ContractRow kContract[] = {
    {Outcome::Recorded, 0, "", "250 2.0.0 ", true, false},
    {Outcome::Duplicate, 0, "", "250 2.0.0 ", true, false},
    {Outcome::Unattributed, 0, "", "250 2.0.0 ", true, false},
    {Outcome::Degraded, 0, "", "250 2.0.0 ", true, false},
    // Mail to the unsubscribe address: done with once acted on, or dropped when forged.
    {Outcome::Unsubscribed, 0, "", "250 2.0.0 ", true, false},
    {Outcome::UnsubscribeRefused, 0, "", "250 2.0.0 ", true, false},
    {Outcome::NotOurs, 65, "5.1.1 ", "550 5.1.1 ", false, false},
    {Outcome::Unrecordable, 65, "5.6.0 ", "554 5.6.0 ", false, false},
    {Outcome::DatabaseUnavailable, 75, "4.3.0 ", "451 4.3.0 ", false, true},
    {Outcome::ConfigurationError, 75, "4.3.5 ", "451 4.3.5 ", false, true},
    {Outcome::UsageError, 75, "4.3.5 ", "451 4.3.5 ", false, true},
    {Outcome::TimeLimit, 75, "4.3.0 ", "451 4.3.0 ", false, true},
    {Outcome::RunAsRoot, 75, "4.3.0 ", "451 4.3.0 ", false, true},
    {Outcome::InternalError, 75, "4.3.0 ", "451 4.3.0 ", false, true},
};

TEST(ReturnContract, EveryOutcomeMapsAsTabled)
{
    for (const ContractRow& row : kContract) {
        SCOPED_TRACE(std::string(outcomeName(row.outcome)) + " #" + std::to_string(static_cast<int>(row.outcome)));
        const PipeAnswer pipe = pipeAnswer(row.outcome, "why");
        EXPECT_EQ(pipe.exitStatus, row.exitStatus);
        EXPECT_EQ(pipe.line.rfind(row.pipeStatus, 0), 0u) << pipe.line;
        EXPECT_EQ(pipe.line.empty(), row.exitStatus == 0);
        if (!pipe.line.empty()) {
            EXPECT_NE(pipe.line.find(": why"), std::string::npos) << pipe.line;
        }
        EXPECT_EQ(lmtpDataReply(row.outcome, "").rfind(row.lmtpStart, 0), 0u);
        EXPECT_EQ(isStored(row.outcome), row.stored);
        EXPECT_EQ(isRetryable(row.outcome), row.retryable);
    }
}

TEST(ReturnContract, PipeNeverAnswersWithAStatusPostfixWouldDropSilently)
{
    // 0 and 75 are the rule; 65 (a bounce with the reason) only for what no retry can cure.
    for (const ContractRow& row : kContract) {
        const int status = pipeAnswer(row.outcome, "").exitStatus;
        EXPECT_TRUE(status == 0 || status == 75 || status == 65) << status;
        EXPECT_EQ(status == 65, !row.stored && !row.retryable);
    }
}

TEST(ReturnContract, UntrustedDetailIsMadePrintableAndBounded)
{
    const std::string hostile = std::string("a\r\nb\x1b[31m") + std::string(5000, 'x');
    const PipeAnswer pipe = pipeAnswer(Outcome::DatabaseUnavailable, hostile);
    EXPECT_EQ(pipe.line.find_first_of("\r\n\x1b"), std::string::npos);
    EXPECT_LT(pipe.line.size(), 400u);
    const std::string reply = lmtpDataReply(Outcome::InternalError, hostile);
    EXPECT_EQ(reply.find_first_of("\r\n\x1b"), std::string::npos);
    EXPECT_LT(reply.size(), 400u);
}

TEST(ReturnContract, UnsubscribeOutcomesSayWhatHappened)
{
    EXPECT_EQ(outcomeName(Outcome::Unsubscribed), "unsubscribed");
    EXPECT_EQ(outcomeName(Outcome::UnsubscribeRefused), "unsubscribe-refused");
    EXPECT_EQ(lmtpDataReply(Outcome::Unsubscribed, ""), "250 2.0.0 unsubscribed");
    EXPECT_EQ(lmtpDataReply(Outcome::UnsubscribeRefused, "unknown or forged token"),
              "250 2.0.0 unsubscribe request dropped: unknown or forged token");
}

struct RcptRow
{
    RecipientStatus status;
    const char* lmtp;
    const char* policyStart;
};

TEST(ReturnContract, RecipientChecksAnswerRcptAndPolicy)
{
    const RcptRow rows[] = {
        {RecipientStatus::Ours, "250 2.1.5 ", "DUNNO"},
        {RecipientStatus::NotOurs, "550 5.1.1 ", "550 5.1.1 "},
        // A check that could not be made never refuses a return at SMTP time.
        {RecipientStatus::CannotTell, "451 4.3.0 ", "DUNNO"},
    };
    for (const RcptRow& row : rows) {
        EXPECT_EQ(lmtpRcptReply(row.status, "d").rfind(row.lmtp, 0), 0u) << lmtpRcptReply(row.status, "d");
        EXPECT_EQ(policyAction(row.status).rfind(row.policyStart, 0), 0u);
    }
}

} // namespace
} // namespace verpmail
