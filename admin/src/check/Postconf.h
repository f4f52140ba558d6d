// Postconf: asks Postfix's own tools about a Postfix configuration directory.
//
//   Postconf pc("/etc/postfix");
//   std::optional<std::string> maps = pc.parameter("transport_maps");   // postconf -c DIR -h
//   std::optional<std::string> line = pc.service("verpmail-lmtp", "unix"); // postconf -M
//   std::optional<std::string> next = pc.lookup("hash:/etc/postfix/transport", "bounces.example.org");
//
// Postfix's tools, not a parser of our own, read main.cf and master.cf: they know
// $name expansion, continuation lines, defaults and every map type.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace verpmail::check {

struct CommandResult
{
    int status = -1;     ///< exit status; -1 when it could not be started
    std::string output;  ///< stdout and stderr together, bounded
};

/// Runs a program (looked up in PATH, then /usr/sbin) and collects its output.
CommandResult runCommand(const std::string& program, const std::vector<std::string>& args);

class Postconf
{
public:
    explicit Postconf(std::string configDirectory) : _dir(std::move(configDirectory)) {}

    const std::string& directory() const { return _dir; }
    /// postconf -c DIR: nullopt with `problem` set when postconf fails on the directory.
    std::optional<std::string> works(std::string& problem) const;
    /// The value of a main.cf parameter (defaults included, $names expanded), or
    /// nullopt when postconf does not know it.
    std::optional<std::string> parameter(const std::string& name) const;
    /// The master.cf entry of a service (postconf -M NAME/TYPE, one line), or nullopt.
    std::optional<std::string> service(const std::string& name, const std::string& type) const;
    /// A service's -o NAME=VALUE (postconf -P NAME/TYPE/PARAM), or nullopt when not set.
    std::optional<std::string> serviceParameter(const std::string& service, const std::string& type,
                                                const std::string& param) const;
    /// postmap -q KEY MAP: the value, or nullopt when the map has no such key; then
    /// `problem` is set when the map itself could not be read.
    std::optional<std::string> lookup(const std::string& map, const std::string& key, std::string& problem) const;

private:
    std::string _dir;
};

/// Splits a Postfix list value ("a, b c,d") into its elements; with " \t", a master.cf
/// service line into its fields.
std::vector<std::string> splitPostfixList(const std::string& value, const std::string& separators = ", \t\n");
/// The value after "NAME = " in a line postconf printed.
std::string valueAfterEquals(const std::string& line);

} // namespace verpmail::check
