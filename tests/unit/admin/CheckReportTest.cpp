// CheckReportTest: the lines `verpmail-admin check` prints, and its verdict.
#include "check/CheckReport.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace verpmail::check;

TEST(CheckReport, OkLineHasNameFileAndFoundButNoFix)
{
    EXPECT_EQ(formatLine({Verdict::Ok, "file.verp.keyFile", "/etc/verpmail/verp.key", "mode 0600", ""}),
              "ok   check=file.verp.keyFile file=\"/etc/verpmail/verp.key\" found=\"mode 0600\"");
}

TEST(CheckReport, FailLineNamesTheFix)
{
    EXPECT_EQ(formatLine({Verdict::Fail, "file.mysql.optionFile", "/e/my.cnf", "mode 0644", "chmod 600 /e/my.cnf"}),
              "FAIL check=file.mysql.optionFile file=\"/e/my.cnf\" found=\"mode 0644\" fix=\"chmod 600 /e/my.cnf\"");
}

TEST(CheckReport, LineWithoutFileLeavesTheFieldOut)
{
    EXPECT_EQ(formatLine({Verdict::Warn, "key.backup", "", "not set", "back it up"}),
              "warn check=key.backup found=\"not set\" fix=\"back it up\"");
}

TEST(CheckReport, UntrustedTextStaysOnOneLineAndQuotesAreEscaped)
{
    const std::string line = formatLine({Verdict::Fail, "daemon.lmtp", "", "said \"no\"\r\nFAIL forged\\", "x"});
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_EQ(line.find('\r'), std::string::npos);
    EXPECT_NE(line.find("found=\"said \\\"no\\\"??FAIL forged\\\\\""), std::string::npos) << line;
}

TEST(CheckReport, LongValuesAreBounded)
{
    const std::string line = formatLine({Verdict::Fail, "x", "", std::string(5000, 'a'), "y"});
    EXPECT_LT(line.size(), 1000u);
}

TEST(CheckReport, PassesWithWarningsFailsWithAnyFail)
{
    CheckReport report;
    report.ok("a", "fine");
    report.warn("b", "meh", "do better");
    EXPECT_TRUE(report.passed());
    EXPECT_EQ(summaryLine(report), "check result=ok passed=1 warnings=1 failed=0");
    report.fail("c", "broken", "fix it", "/f");
    EXPECT_FALSE(report.passed());
    EXPECT_EQ(summaryLine(report), "check result=FAIL passed=1 warnings=1 failed=1");
}

TEST(CheckReport, PrintsEveryLineThenTheSummary)
{
    CheckReport report;
    report.ok("a", "fine");
    report.fail("b", "broken", "fix");
    std::ostringstream out;
    report.print(out);
    EXPECT_EQ(out.str(), "ok   check=a found=\"fine\"\n"
                         "FAIL check=b found=\"broken\" fix=\"fix\"\n"
                         "check result=FAIL passed=1 warnings=0 failed=1\n");
}
