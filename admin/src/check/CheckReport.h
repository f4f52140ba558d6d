// CheckReport: the lines `verpmail-admin check` prints, one per check.
//
//   ok   check=mysql.optionFile file=/etc/verpmail/my.cnf found="mode 0600, owner root"
//   FAIL check=mysql.optionFile file=/etc/verpmail/my.cnf found="mode 0644" fix="chmod 600 /etc/verpmail/my.cnf"
//
// Postfix's key=value style, so an operator can grep a name or a verdict. What was
// found is often read from files or servers, so it is made printable and bounded.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace verpmail::check {

enum class Verdict { Ok, Warn, Fail };

struct CheckLine
{
    Verdict verdict = Verdict::Ok;
    std::string name;   ///< what was checked, e.g. "mysql.optionFile" or "postfix.transport"
    std::string file;   ///< the file the line is about, or ""
    std::string found;  ///< what the check saw
    std::string fix;    ///< what to do about it ("" for ok)
};

class CheckReport
{
public:
    void ok(const std::string& name, const std::string& found, const std::string& file = "");
    void warn(const std::string& name, const std::string& found, const std::string& fix, const std::string& file = "");
    void fail(const std::string& name, const std::string& found, const std::string& fix, const std::string& file = "");
    void add(CheckLine line);

    const std::vector<CheckLine>& lines() const { return _lines; }
    std::size_t count(Verdict verdict) const;
    /// True when no line is FAIL (warnings do not fail the check).
    bool passed() const { return count(Verdict::Fail) == 0; }

    /// Each line as formatLine(), then the summary line.
    void print(std::ostream& out) const;

private:
    std::vector<CheckLine> _lines;
};

/// One line in the format shown above, without the newline.
std::string formatLine(const CheckLine& line);
/// "check result=ok passed=N warnings=N failed=N".
std::string summaryLine(const CheckReport& report);

} // namespace verpmail::check
