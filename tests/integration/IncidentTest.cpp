// Domain incidents against a real MariaDB: what a few people cannot open (reasons
// about one mailbox, one reporting host, a small share of the members mailed there)
// and what an outage does; the sender's pause ends after maxPauseMinutes; `report
// incidents` reads them.
#include "DatabaseFixture.h"

#include "verpmail/store/IncidentStore.h"
#include "verpmail/store/PolicyStore.h"
#include "verpmail/store/ReturnRecorder.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <algorithm>
#include <unordered_set>

namespace verpmail {
namespace {

/// Keeps what is logged to it, so a test can read the operator's line.
class CapturingChannel : public Poco::Channel
{
public:
    void log(const Poco::Message& message) override { lines.push_back(message); }
    std::vector<Poco::Message> lines;
};

class IncidentTest : public DatabaseFixture
{
protected:
    void SetUp() override
    {
        DatabaseFixture::SetUp();
        _domain = "provider-" + tag() + ".test";
        // The sends count through their campaign (one that ran in the window).
        MysqlStatement list = db().prepare(
            "INSERT INTO lists (name, from_address, created_at) VALUES (?, 'list@example.test', UTC_TIMESTAMP())");
        list.execute({"inc-" + tag()});
        MysqlStatement campaign = db().prepare("INSERT INTO campaigns (id, list_id, started_at) VALUES (?, ?, UTC_TIMESTAMP())");
        campaign.execute({"inc-" + tag(), static_cast<std::int64_t>(list.insertId())});
    }

    std::string member(int i) const { return address("m" + std::to_string(i), _domain); }

    /// Members 1..n were mailed (accepted) at the domain just now.
    void mailed(int n)
    {
        MysqlStatement st = db().prepare("INSERT INTO send_log (campaign_id, email, status, updated_at)"
                                         " VALUES (?, ?, 'accepted', UTC_TIMESTAMP())");
        for (int i = 1; i <= n; ++i)
            st.execute({"inc-" + tag(), member(i)});
    }

    /// A soft return of member i for `reason`, reported by `host`.
    RecordResult fail(int i, const std::string& reason, const std::string& host, const std::string& status = "4.3.0")
    {
        ReturnEntry e;
        e.email = member(i);
        e.encodedFrom = "sentto-i" + std::to_string(std::hash<std::string>{}(*e.email) % 1000000000);
        e.envelopeRecipient = e.encodedFrom + "@bounces.test";
        e.kind = ReturnKind::Bounce;
        e.result.bounceClass = BounceClass::Soft;
        e.result.reason = reason;
        e.result.status = status;
        e.result.remoteMta = host;
        e.rawMessage = "return " + std::to_string(++_returns) + " " + *e.email + " " + reason;
        e.dedupKey = ReturnRecorder::dedupKey(e.rawMessage, e.envelopeRecipient, 0);
        return ReturnRecorder(db(), _policy).record(e);
    }

    std::int64_t incidents() { return queryInt("SELECT COUNT(*) FROM domain_incidents WHERE domain = ?", {_domain}); }
    std::int64_t linked()
    {
        return queryInt("SELECT COUNT(*) FROM bounce_logs WHERE domain = ? AND incident_id IS NOT NULL", {_domain});
    }

    PolicySettings _policy;  // the defaults: 10 members, share 0.2, 2 hosts, 240 minutes
    std::string _domain;
    int _returns = 0;
};

TEST_F(IncidentTest, TenFullMailboxesFromManyHostsOpenNoIncident)
{
    mailed(10);
    for (int i = 1; i <= 10; ++i)
        EXPECT_EQ(fail(i, "mailboxfull", "mx" + std::to_string(i) + "." + _domain, "5.2.2").openedIncident, 0u);
    EXPECT_EQ(incidents(), 0);
    EXPECT_EQ(linked(), 0);
    // They count against their members, as the policy says for a full mailbox.
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bounce_logs WHERE domain = ? AND bounce_reason = 'mailboxfull'"
                       " AND reporting_host LIKE 'mx%'", {_domain}), 10);
    // Any reason about one mailbox: unknown users, moved, disabled accounts.
    for (const char* reason : {"userunknown", "suspend", "exceedlimit"})
        for (int i = 1; i <= 10; ++i)
            fail(i, reason, "mx" + std::to_string(i % 3) + "." + _domain);
    EXPECT_EQ(incidents(), 0);
}

TEST_F(IncidentTest, AProviderReasonOverTheShareFromTwoHostsOpensOne)
{
    mailed(30);  // 10 of 30 is a third: over the share of 0.2
    Poco::AutoPtr<CapturingChannel> channel(new CapturingChannel);
    Poco::Logger& logger = Poco::Logger::get("verpmail.incident");
    logger.setChannel(channel);
    logger.setLevel(Poco::Message::PRIO_INFORMATION);
    std::uint64_t opened = 0;
    for (int i = 1; i <= 10; ++i) {
        const RecordResult r = fail(i, "systemerror", i % 2 ? "MX1." + _domain : "mx2." + _domain);
        if (i < 10)
            EXPECT_EQ(r.openedIncident, 0u) << "opened by return " << i;
        else
            opened = r.openedIncident;
    }
    ASSERT_NE(opened, 0u);
    EXPECT_EQ(incidents(), 1);
    EXPECT_EQ(queryText("SELECT CONCAT_WS(' ', bounce_type, reason, members, mailed, hosts, returns) FROM domain_incidents"
                        " WHERE id = ?", {static_cast<std::int64_t>(opened)}),
              "soft systemerror 10 30 2 10");
    EXPECT_EQ(linked(), 10);  // the returns that opened it stop counting too
    // The operator is told once, Postfix style.
    ASSERT_EQ(channel->lines.size(), 1u);
    EXPECT_EQ(channel->lines[0].getPriority(), Poco::Message::PRIO_NOTICE);
    EXPECT_EQ(channel->lines[0].getText(), "incident=opened id=" + std::to_string(opened) + " domain=" + _domain +
                                               " class=soft reason=systemerror members=10 mailed=30 share=0.33 hosts=2");
    // The reporting host is kept in one spelling.
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM bounce_logs WHERE domain = ? AND reporting_host = ?", {_domain, "mx1." + _domain}), 5);

    // Later returns join it: one more member, and a second return of a member.
    fail(11, "systemerror", "mx3." + _domain);
    fail(1, "systemerror", "mx1." + _domain);
    EXPECT_EQ(queryText("SELECT CONCAT_WS(' ', members, returns) FROM domain_incidents WHERE id = ?",
                        {static_cast<std::int64_t>(opened)}),
              "11 12");
    EXPECT_EQ(linked(), 12);
    EXPECT_EQ(channel->lines.size(), 1u);  // joining is not news
    logger.setChannel(nullptr);
    // The policy never sees them.
    const auto subjects = PolicyStore(db()).load({member(1)}, _policy, utcNow());
    EXPECT_TRUE(subjects.at(member(1)).facts.empty());
}

TEST_F(IncidentTest, OneReportingHostOpensNone)
{
    mailed(10);
    for (int i = 1; i <= 10; ++i)
        fail(i, "systemerror", "mx." + _domain);
    EXPECT_EQ(incidents(), 0);
    // A second host is what was missing.
    fail(10, "systemerror", "mx2." + _domain);
    EXPECT_EQ(incidents(), 1);
}

TEST_F(IncidentTest, TenMembersAtAProviderThatWasMailedMuchMoreOpenNone)
{
    mailed(100);  // 10 of 100 is under 0.2
    for (int i = 1; i <= 10; ++i)
        fail(i, "systemerror", "mx" + std::to_string(i % 4) + "." + _domain);
    EXPECT_EQ(incidents(), 0);
    _policy.incident.share = 0.1;
    fail(1, "systemerror", "mx9." + _domain);
    EXPECT_EQ(incidents(), 1);
}

TEST_F(IncidentTest, ReturnsOfMailSentBeforeTheWindowOpenNone)
{
    mailed(12);
    db().execute("UPDATE send_log SET updated_at = UTC_TIMESTAMP() - INTERVAL 61 MINUTE WHERE campaign_id = 'inc-" +
                 tag() + "'");
    for (int i = 1; i <= 12; ++i)
        fail(i, "expired", "mx" + std::to_string(i % 2) + "." + _domain);
    EXPECT_EQ(incidents(), 0);  // nobody was mailed there in the window: no share to judge
    // Nor do the sends of a campaign that finished before the window.
    db().execute("UPDATE send_log SET updated_at = UTC_TIMESTAMP() WHERE campaign_id = 'inc-" + tag() + "'");
    db().execute("UPDATE campaigns SET finished_at = UTC_TIMESTAMP() - INTERVAL 61 MINUTE WHERE id = 'inc-" + tag() + "'");
    fail(1, "expired", "mx1." + _domain);
    EXPECT_EQ(incidents(), 0);
    db().execute("UPDATE campaigns SET finished_at = UTC_TIMESTAMP() WHERE id = 'inc-" + tag() + "'");
    fail(2, "expired", "mx1." + _domain);
    EXPECT_EQ(incidents(), 1);
}

TEST_F(IncidentTest, ThePauseEndsAfterMaxPauseMinutesTheIncidentDoesNot)
{
    mailed(10);
    for (int i = 1; i <= 10; ++i)
        fail(i, "systemerror", "mx" + std::to_string(i % 2) + "." + _domain);
    ASSERT_EQ(incidents(), 1);
    const std::vector<std::string> batch = {member(1), address("other", "elsewhere-" + tag() + ".test")};
    PolicyStore store(db());
    EXPECT_EQ(store.pausedDomains(batch, _policy.incident), std::unordered_set<std::string>{_domain});
    IncidentSettings off = _policy.incident;
    off.pauseSending = false;
    EXPECT_TRUE(store.pausedDomains(batch, off).empty());

    // Four hours and a minute later, still with returns: open, but mail flows again.
    db().execute("UPDATE domain_incidents SET opened_at = UTC_TIMESTAMP() - INTERVAL 241 MINUTE WHERE domain = '" +
                 _domain + "'");
    EXPECT_TRUE(store.pausedDomains(batch, _policy.incident).empty());
    IncidentSettings longer = _policy.incident;
    longer.maxPauseMinutes = 300;
    EXPECT_EQ(store.pausedDomains(batch, longer).size(), 1u);
    fail(2, "systemerror", "mx1." + _domain);
    EXPECT_EQ(linked(), 11);  // returns still join it

    std::vector<IncidentRow> rows = IncidentStore(db(), _policy.incident).list(utcNow());
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const IncidentRow& r) { return r.domain == _domain; });
    ASSERT_NE(it, rows.end());
    EXPECT_TRUE(it->open);
    EXPECT_FALSE(it->pausing);
    EXPECT_EQ(it->mailed, 10u);
    EXPECT_EQ(it->hosts, 2u);
    EXPECT_LT(it->pauseEnds, utcNow());

    // No return for closeAfterMinutes: over, and listed only while seen in the window.
    db().execute("UPDATE domain_incidents SET last_seen = UTC_TIMESTAMP() - INTERVAL 1441 MINUTE WHERE domain = '" +
                 _domain + "'");
    EXPECT_TRUE(store.pausedDomains(batch, longer).empty());
    rows = IncidentStore(db(), _policy.incident).list(shiftUtc(utcNow(), -2 * 86400));
    const auto closed = std::find_if(rows.begin(), rows.end(), [&](const IncidentRow& r) { return r.domain == _domain; });
    ASSERT_NE(closed, rows.end());
    EXPECT_FALSE(closed->open);
    rows = IncidentStore(db(), _policy.incident).list(utcNow());
    EXPECT_TRUE(std::none_of(rows.begin(), rows.end(), [&](const IncidentRow& r) { return r.domain == _domain; }));
}

} // namespace
} // namespace verpmail
