#include "check/DatabaseChecks.h"

#include "verpmail/db/Migrations.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/String.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>

namespace verpmail::check {
namespace {

// A copy of an option file in a fresh 0700 directory, owned by the running user;
// both go when it does.
class PrivateCopy
{
public:
    explicit PrivateCopy(const std::string& source)
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/verpmail-check.XXXXXX";
        if (!::mkdtemp(pattern.data()))
            throw ConfigError("cannot create a private directory for a copy of " + source);
        _dir = pattern;
        _path = _dir + "/option.cnf";
        const mode_t old = ::umask(077);
        std::ifstream in(source, std::ios::binary);
        std::ofstream out(_path, std::ios::binary);
        ::umask(old);
        if (!in || !(out << in.rdbuf()) || !out.flush())
            throw ConfigError("cannot read " + source);
    }
    ~PrivateCopy()
    {
        ::unlink(_path.c_str());
        ::rmdir(_dir.c_str());
    }
    PrivateCopy(const PrivateCopy&) = delete;
    PrivateCopy& operator=(const PrivateCopy&) = delete;
    const std::string& path() const { return _path; }

private:
    std::string _dir;
    std::string _path;
};

std::string fixFor(const MysqlError& e, const std::string& file)
{
    switch (e.errorNumber()) {
    case 1044:
    case 1045:
    case 1698:
        return "correct user= and password= in " + file + " (the accounts: verpmail-admin db accounts)";
    case 1049:
        return "correct database= in " + file + ", or create the database";
    case 2002:
    case 2003:
    case 2005:
    case 2013:
        return "start MariaDB, or correct socket=, host= or port= in " + file;
    default:
        return "see the server's message; the connection settings are in " + file;
    }
}

std::string currentUser(MysqlConnection& db)
{
    MysqlStatement st = db.prepare("SELECT CURRENT_USER()");
    st.execute();
    return st.fetch() ? st.text(0) : "?";
}

void checkSchema(MysqlConnection& db, const std::string& file, CheckReport& report)
{
    const int known = embeddedMigrations().empty() ? 0 : embeddedMigrations().back().version;
    const int current = currentSchemaVersion(db);
    if (current == known)
        report.ok("database.schema", "schema version " + std::to_string(current) + ", current");
    else if (current < known)
        report.fail("database.schema",
                    "schema version " + std::to_string(current) + ", this program knows " + std::to_string(known),
                    "verpmail-admin db migrate", file);
    else
        report.fail("database.schema",
                    "schema version " + std::to_string(current) + " is newer than this program's " +
                        std::to_string(known),
                    "install the verpmail release that migrated it", file);
}

void checkOne(const DatabaseAccount& account, CheckReport& report)
{
    const std::string name = "database." + account.options.optionFileKey;
    const std::string file = account.options.optionFile;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        report.fail(name, "cannot connect for " + account.roles + ": the option file is missing",
                    "create it (docs/examples/my.cnf)", file);
        return;
    }
    const uid_t self = ::geteuid();
    std::optional<PrivateCopy> copy;
    MysqlOptions options = account.options;
    try {
        if (st.st_uid != self && st.st_uid != 0) {
            if (self != 0) {
                report.warn(name, "owned by another user: cannot connect with it as uid " + std::to_string(self),
                            "run verpmail-admin check as root", file);
                return;
            }
            copy.emplace(file);
            options.optionFile = copy->path();
        }
        MysqlConnection db(options);
        report.ok(name, "connects as " + currentUser(db) + " (" + account.roles + ")", file);
        if (account.checkSchema)
            checkSchema(db, file, report);
    } catch (const MysqlError& e) {
        // The message names the file connected with: the operator's, not the copy.
        std::string text = e.describe();
        if (copy)
            Poco::replaceInPlace(text, copy->path(), file);
        report.fail(name, "the server refused " + account.roles + ": " + text, fixFor(e, file), file);
    } catch (const ConfigError& e) {
        report.fail(name, e.what(), "see the file checks above", file);
    }
}

} // namespace

void checkDatabases(const std::vector<DatabaseAccount>& accounts, CheckReport& report)
{
    for (const DatabaseAccount& account : accounts)
        checkOne(account, report);
}

} // namespace verpmail::check
