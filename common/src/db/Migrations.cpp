#include "verpmail/db/Migrations.h"

#include "verpmail/db/MysqlConnection.h"
#include "verpmail/db/MysqlError.h"

#include <cctype>
#include <sstream>

namespace verpmail {

namespace {

// "DELIMITER //" (any case) as the mysql client reads it: the terminator is the next
// word, so a stored program's body can hold ';'. Empty when the line is not one.
std::string delimiterDirective(const std::string& line, std::size_t first)
{
    static const std::string kWord = "DELIMITER";
    if (line.size() <= first + kWord.size() || !std::isspace(static_cast<unsigned char>(line[first + kWord.size()])))
        return {};
    for (std::size_t i = 0; i < kWord.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(line[first + i])) != kWord[i])
            return {};
    std::istringstream words(line.substr(first + kWord.size()));
    std::string terminator;
    words >> terminator;
    return terminator;
}

bool endsWith(const std::string& text, std::size_t end, const std::string& suffix)
{
    return end >= suffix.size() && text.compare(end - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

std::vector<std::string> splitSqlStatements(const std::string& sql)
{
    std::vector<std::string> statements;
    std::istringstream in(sql);
    std::string line;
    std::string current;
    std::string terminator = ";";
    while (std::getline(in, line)) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line.compare(first, 2, "--") == 0)
            continue;
        if (current.empty()) {
            if (std::string next = delimiterDirective(line, first); !next.empty()) {
                terminator = next;
                continue;
            }
        }
        const auto end = line.find_last_not_of(" \t\r") + 1;
        const bool ends = endsWith(line, end, terminator);
        current += line.substr(0, ends ? end - terminator.size() : end);
        current += '\n';
        if (ends) {
            statements.push_back(current);
            current.clear();
        }
    }
    if (current.find_first_not_of(" \t\r\n") != std::string::npos)
        statements.push_back(current);
    return statements;
}

int currentSchemaVersion(MysqlConnection& db)
{
    db.execute("CREATE TABLE IF NOT EXISTS schema_version ("
               " version INT NOT NULL PRIMARY KEY,"
               " name VARCHAR(128) NOT NULL,"
               " applied_at DATETIME NOT NULL"
               ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    MysqlStatement st = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    st.execute();
    return st.fetch() ? static_cast<int>(st.integer(0)) : 0;
}

std::vector<Migration> migrate(MysqlConnection& db)
{
    // A named lock keeps two `db migrate` runs from applying the same step twice.
    MysqlStatement lock = db.prepare("SELECT GET_LOCK('verpmail.migrate', 30)");
    lock.execute();
    lock.fetch();
    struct Unlock
    {
        MysqlConnection& db;
        ~Unlock()
        {
            try {
                db.execute("DO RELEASE_LOCK('verpmail.migrate')");
            } catch (...) {
            }
        }
    } unlock{db};

    std::vector<Migration> applied;
    const int current = currentSchemaVersion(db);
    for (const Migration& m : embeddedMigrations()) {
        if (m.version <= current)
            continue;
        // MariaDB commits DDL implicitly, so a step is not atomic; its statements are
        // written to be re-runnable (IF NOT EXISTS) for the case of a crash halfway. A
        // failure says exactly how far this run got, so the operator knows the state.
        const std::vector<std::string> statements = splitSqlStatements(m.sql);
        for (std::size_t k = 0; k < statements.size(); ++k) {
            try {
                db.execute(statements[k]);
            } catch (const MysqlError& e) {
                std::string done;
                for (const Migration& a : applied)
                    done += (done.empty() ? "" : ", ") + a.name;
                const std::string why = e.what();
                throw MysqlError(e.errorNumber(), e.sqlState(),
                                 "migration " + m.name + " failed at statement " + std::to_string(k + 1) + " of " +
                                     std::to_string(statements.size()) + " (" + std::to_string(k) +
                                     " before it applied; all are safe to run again): " + why.substr(why.find("): ") + 3) +
                                     "; applied in this run: " + (done.empty() ? "none" : done) + "; schema version " +
                                     std::to_string(applied.empty() ? current : applied.back().version),
                                 statements[k].substr(0, 200));
            }
        }
        MysqlStatement record = db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, UTC_TIMESTAMP())");
        record.execute({m.version, m.name});
        applied.push_back(m);
    }
    return applied;
}

} // namespace verpmail
