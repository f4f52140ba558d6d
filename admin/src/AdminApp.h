// AdminApp: verpmail-admin, the operator's tool. One subcommand per job; each
// returns its exit status, and main() maps environment failures in one place.
#pragma once

#include "verpmail/config/ProgramBase.h"
#include "verpmail/util/ExitStatus.h"

#include <stdexcept>

namespace verpmail {

class AdminApp : public ProgramBase
{
public:
    AdminApp();
    void printHelp() const override;

protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    ExitStatus dispatch(const std::vector<std::string>& args);
    ExitStatus dbMigrate();
    ExitStatus listCreate(const std::string& name);
    ExitStatus membersImport(const std::string& list, const std::string& file);
    ExitStatus explain(const std::string& address);
    ExitStatus reportSuppressed();

    std::string _from;
    std::string _format = "table";
    bool _skipInvalid = false;
};

/// A usage or input problem: message for stderr, and the status to exit with.
class AdminError : public std::runtime_error
{
public:
    AdminError(ExitStatus code, const std::string& message) : std::runtime_error(message), _code(code) {}
    ExitStatus code() const { return _code; }

private:
    ExitStatus _code;
};

} // namespace verpmail
