#include "verpmail/report/Reports.h"


#include "verpmail/db/MysqlConnection.h"
#include "verpmail/util/Printable.h"

#include <algorithm>

namespace verpmail {
namespace {

struct CampaignInfo
{
    std::string list, startedAt;
};

std::map<std::string, CampaignInfo> campaignInfo(MysqlConnection& db)
{
    MysqlStatement st = db.prepare("SELECT c.id, l.name, DATE_FORMAT(c.started_at, '%Y-%m-%d %H:%i:%s')"
                                   " FROM campaigns c JOIN lists l ON l.id = c.list_id");
    st.execute();
    std::map<std::string, CampaignInfo> out;
    while (st.fetch())
        out[st.text(0)] = {st.text(1), st.text(2)};
    return out;
}

} // namespace

void addCampaignTable(Report& report, MysqlConnection& db, const ReportScope& scope)
{
    const std::map<std::string, Tally> tallies = talliesBy(db, scope, GroupKey::Campaign);
    const std::map<std::string, CampaignInfo> info = campaignInfo(db);
    std::vector<std::string> ordered;
    for (const auto& [id, tally] : tallies)
        ordered.push_back(id);
    // Newest campaign first; returns without a campaign last.
    auto started = [&](const std::string& id) {
        const auto i = info.find(id);
        return i == info.end() ? std::string() : i->second.startedAt;
    };
    std::stable_sort(ordered.begin(), ordered.end(),
                     [&](const std::string& a, const std::string& b) { return started(a) > started(b); });

    std::vector<Column> columns{{"campaign"}, {"list"}, {"started_at"}, {"sent", true}};
    for (const Column& c : classColumns())
        columns.push_back(c);
    columns.push_back({"bounce_rate", true});
    ReportTable& t = report.addTable("campaigns", "Campaigns", columns);
    for (const std::string& id : ordered) {
        const auto i = info.find(id);
        const ClassCounts& c = tallies.at(id).returns;
        const SentCounts& n = tallies.at(id).sent;
        std::vector<Cell> row{Cell(keyLabel(id)), i == info.end() ? Cell() : Cell(i->second.list),
                              i == info.end() ? Cell() : Cell(i->second.startedAt), Cell(n.sent())};
        for (Cell& cell : classCells(c))
            row.push_back(std::move(cell));
        row.push_back(bounceRate(c.bounces(), n.sent()));
        t.rows.push_back(std::move(row));
    }
}

Report campaignsReport(MysqlConnection& db, const ReportWindow& window)
{
    Report report{"campaigns", "Campaigns", window, true, {}, {}};
    addCampaignTable(report, db, ReportScope{&window, std::nullopt});
    report.charts.push_back({"chart-campaign-bounce-rate", "Bounce rate per campaign (newest 25)",
                             ChartKind::HorizontalBars, "campaigns", {"campaign"}, {"bounce_rate"}, "%", 25});
    return report;
}

Report campaignReport(MysqlConnection& db, const ReportWindow& window, const std::string& campaign)
{
    MysqlStatement st = db.prepare(
        "SELECT c.id, l.name, COALESCE(c.message_file, ''), DATE_FORMAT(c.started_at, '%Y-%m-%d %H:%i:%s'),"
        " DATE_FORMAT(c.finished_at, '%Y-%m-%d %H:%i:%s') FROM campaigns c JOIN lists l ON l.id = c.list_id WHERE c.id = ?");
    st.execute({campaign});
    if (!st.fetch())
        throw UnknownCampaign("unknown campaign \"" + printable(campaign, 64) + "\"");
    Report report{"campaign", "Campaign " + st.text(0), window, false, {}, {}};
    ReportTable& t = report.addTable("campaign", "Campaign", {{"metric"}, {"value"}});
    t.keyValue = true;
    t.rows.push_back({Cell("campaign"), Cell(st.text(0))});
    t.rows.push_back({Cell("list"), Cell(st.text(1))});
    t.rows.push_back({Cell("message_file"), Cell(st.text(2))});
    t.rows.push_back({Cell("started_at"), Cell(st.text(3))});
    t.rows.push_back({Cell("finished_at"), st.isNull(4) ? Cell() : Cell(st.text(4))});

    // Every send_log state, so a campaign in progress shows its queue.
    MysqlStatement states = db.prepare("SELECT status, COUNT(*) FROM send_log WHERE campaign_id = ? GROUP BY status");
    states.execute({campaign});
    std::map<std::string, std::int64_t> byState;
    while (states.fetch())
        byState[states.text(0)] = states.integer(1);
    for (const char* state : {"queued", "pending", "submitting", "accepted", "rejected", "deferred", "suppressed", "uncertain"})
        t.rows.push_back({Cell(state), Cell(byState[state])});
    const std::int64_t sent = byState["accepted"] + byState["rejected"];
    t.rows.push_back({Cell("sent"), Cell(sent)});

    const ReportScope scope{nullptr, campaign};
    Tally all;
    for (const auto& [domain, tally] : talliesBy(db, scope, GroupKey::Domain))
        all += tally;
    const ClassCounts& returns = all.returns;
    const std::vector<Column> classes = classColumns();
    const std::vector<Cell> cells = classCells(returns);
    for (std::size_t i = 0; i < classes.size(); ++i)
        t.rows.push_back({Cell(classes[i].id), cells[i]});
    t.rows.push_back({Cell("bounce_rate"), bounceRate(returns.bounces(), sent)});

    addDomainTable(report, db, scope, 25);
    addReasonTable(report, db, scope, 0);
    report.charts.push_back({"chart-campaign-domain-bounce-rate", "Bounce rate of the domains with the most returns",
                             ChartKind::HorizontalBars, "top_domains", {"domain"}, {"bounce_rate"}, "%", 25});
    report.charts.push_back({"chart-campaign-reasons", "Returns by reason", ChartKind::HorizontalBars, "reasons",
                             {"class", "reason"}, {"returns"}, "", 30});
    return report;
}

} // namespace verpmail
