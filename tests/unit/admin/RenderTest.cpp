#include "verpmail/report/Render.h"
#include "verpmail/report/SvgChart.h"

#include "verpmail/util/Html.h"

#include <gtest/gtest.h>

namespace verpmail {
namespace {

Report sample()
{
    Report r;
    r.name = "domains";
    r.title = "Returns <by> domain";
    r.window = {"2026-02-08 15:30:00", "2026-02-08", "2026-03-10 15:30:00", "30d"};
    ReportTable& t = r.addTable("domains", "Receiving domains", {{"domain"}, {"returns", true}, {"bounce_rate", true}});
    t.rows.push_back({Cell("example.org"), Cell(std::int64_t{12}), Cell(2.5)});
    t.rows.push_back({Cell("a,\"b\"\n<script>"), Cell(std::int64_t{0}), Cell()});
    r.charts.push_back({"chart-domain-bounce-rate", "Bounce rate", ChartKind::HorizontalBars, "domains", {"domain"},
                        {"bounce_rate"}, "%", 0});
    return r;
}

TEST(RenderTest, CsvQuotesPerRfc4180)
{
    EXPECT_EQ(csvField("plain"), "plain");
    EXPECT_EQ(csvField(""), "");
    EXPECT_EQ(csvField("a,b"), "\"a,b\"");
    EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csvField("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csvField("cr\r"), "\"cr\r\"");
    EXPECT_EQ(csvLine({"a", "b,c", ""}), "a,\"b,c\",\r\n");
}

TEST(RenderTest, CsvIsTheFirstTableWithAHeader)
{
    EXPECT_EQ(renderCsv(sample()),
              "domain,returns,bounce_rate\r\n"
              "example.org,12,2.50\r\n"
              "\"a,\"\"b\"\"\n<script>\",0,\r\n");
}

TEST(RenderTest, JsonOfOneTableIsAnArrayWithTypedValues)
{
    EXPECT_EQ(renderJson(sample()),
              "[{\"domain\":\"example.org\",\"returns\":12,\"bounce_rate\":2.500},"
              "{\"domain\":\"a,\\\"b\\\"\\n<script>\",\"returns\":0,\"bounce_rate\":null}]\n");
}

TEST(RenderTest, JsonOfSeveralTablesIsAnObjectAndKeyValueTablesAreObjects)
{
    Report r = sample();
    ReportTable& totals = r.addTable("totals", "Totals", {{"metric"}, {"value"}});
    totals.keyValue = true;
    totals.rows.push_back({Cell("returns"), Cell(std::int64_t{12})});
    totals.rows.push_back({Cell("bounce_rate"), Cell()});
    const std::string json = renderJson(r);
    EXPECT_EQ(json.rfind("{\"report\":\"domains\",\"since\":\"2026-02-08 15:30:00\",\"until\":\"2026-03-10 15:30:00\","
                         "\"domains\":[",
                         0),
              0u)
        << json;
    EXPECT_NE(json.find("\"totals\":{\"returns\":12,\"bounce_rate\":null}}"), std::string::npos) << json;
}

TEST(RenderTest, TableHasHeadingsDashesForUnknownAndTheFooter)
{
    Report r = sample();
    r.tables.front().footer = "2 domains";
    const std::string text = renderTable(r);
    EXPECT_NE(text.find("DOMAIN"), std::string::npos);
    EXPECT_NE(text.find("BOUNCE RATE"), std::string::npos);
    EXPECT_NE(text.find("2.50"), std::string::npos);
    EXPECT_NE(text.find("-\n"), std::string::npos);
    EXPECT_NE(text.find("2 domains\n"), std::string::npos);
    EXPECT_EQ(text.find('\n' + std::string("<script>")), std::string::npos);  // newline inside a cell is masked
}

TEST(RenderTest, HtmlIsSelfContainedEscapedAndHasTheChart)
{
    const std::string html = renderHtml(sample());
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(html.find("<svg id=\"chart-domain-bounce-rate\" class=\"chart chart-hbars\""), std::string::npos);
    EXPECT_NE(html.find("<rect class=\"bar\""), std::string::npos);
    EXPECT_NE(html.find("Returns &lt;by&gt; domain"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("http"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
    EXPECT_NE(html.find("<section id=\"table-domains\">"), std::string::npos);
}

TEST(RenderTest, HtmlEscapeCoversMarkupAndControls)
{
    EXPECT_EQ(htmlEscaped("a&b<c>\"d\"'e'"), "a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;");
    EXPECT_EQ(htmlEscaped(std::string("x\x01y", 3)), "x\xEF\xBF\xBDy");
}

TEST(RenderTest, ChartsDrawOneMarkPerValueAndSayNoDataWhenEmpty)
{
    const std::string stacked = stackedBarChart("s", {"d1", "d2"}, {{"hard", "#c00", {1, 2}}, {"soft", "#e70", {0, 3}}});
    std::size_t bars = 0;
    for (std::size_t at = stacked.find("<rect class=\"bar\""); at != std::string::npos;
         at = stacked.find("<rect class=\"bar\"", at + 1))
        ++bars;
    EXPECT_EQ(bars, 3u);  // a zero draws nothing
    EXPECT_NE(stackedBarChart("e", {}, {}).find("no data"), std::string::npos);
    const std::string line = lineChart("l", {"a", "b", "c"}, {{"rate", "#00c", {1, 2, 0.5}}}, "%");
    EXPECT_NE(line.find("<polyline"), std::string::npos);
    EXPECT_NE(line.find("0.50%"), std::string::npos);
}

TEST(RenderTest, FormatNames)
{
    EXPECT_EQ(parseReportFormat("html"), ReportFormat::Html);
    EXPECT_EQ(parseReportFormat("csv"), ReportFormat::Csv);
    EXPECT_FALSE(parseReportFormat("xml"));
    EXPECT_FALSE(parseReportFormat("HTML"));
}

} // namespace
} // namespace verpmail
