#include "ImapIntake.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/db/MysqlError.h"
#include "verpmail/db/PrivateFile.h"

#include <fstream>

namespace verpmail {
namespace {

std::string keyValue(const Poco::Util::AbstractConfiguration& config, const keys::Key& key)
{
    return config.getString(key.name, key.defaultValue ? key.defaultValue : "");
}

/// The first line of the password file, which must be private.
std::string readPassword(const std::string& path)
{
    const std::string key = keys::kBouncerImapPasswordFile.name;
    if (path.empty())
        throw ConfigError(key + " is not set: name a file (mode 0600) holding the IMAP password");
    checkPrivateFile(path, key);
    std::ifstream in(path);
    std::string password;
    if (!in || !std::getline(in, password))
        throw ConfigError("cannot read \"" + path + "\" (" + key + ")");
    if (!password.empty() && password.back() == '\r')
        password.pop_back();
    if (password.empty())
        throw ConfigError("\"" + path + "\" (" + key + ") starts with an empty line: put the password on it");
    return password;
}

ImapIntakeSettings::After afterFrom(const std::string& value)
{
    if (value == "flag")
        return ImapIntakeSettings::After::Flag;
    if (value == "move")
        return ImapIntakeSettings::After::Move;
    throw ConfigError(std::string(keys::kBouncerImapAfter.name) + " must be flag or move, not \"" + value + "\"");
}

bool requireTlsFrom(const std::string& value)
{
    if (value == "required" || value == "none")
        return value == "required";
    throw ConfigError(std::string(keys::kBouncerImapTls.name) + " must be required or none, not \"" + value + "\"");
}

} // namespace

ImapIntakeSettings imapIntakeSettingsFrom(const Poco::Util::AbstractConfiguration& config)
{
    ImapIntakeSettings settings;
    ImapSettings& server = settings.server;
    server.url = keyValue(config, keys::kBouncerImapUrl);
    server.user = keyValue(config, keys::kBouncerImapUser);
    server.caFile = keyValue(config, keys::kBouncerImapCaFile);
    server.requireTls = requireTlsFrom(keyValue(config, keys::kBouncerImapTls));
    settings.after = afterFrom(keyValue(config, keys::kBouncerImapAfter));
    settings.flag = keyValue(config, keys::kBouncerImapFlag);
    settings.moveTo = keyValue(config, keys::kBouncerImapMoveTo);

    const std::string urlKey = keys::kBouncerImapUrl.name;
    if (server.url.empty())
        throw ConfigError(urlKey + " is not set (imaps://HOST/MAILBOX)");
    const ImapUrl url = parseImapUrl(server.url, server.requireTls);
    if (!url.ok())
        throw ConfigError(urlKey + ": " + url.problem);
    if (server.user.empty())
        throw ConfigError(std::string(keys::kBouncerImapUser.name) + " is not set");
    if (!server.caFile.empty() && !std::ifstream(server.caFile))
        throw ConfigError("cannot read \"" + server.caFile + "\" (" + keys::kBouncerImapCaFile.name + ")");
    if (!isImapKeyword(settings.flag) || settings.flag == kRefusedKeyword)
        throw ConfigError(std::string(keys::kBouncerImapFlag.name) + " \"" + settings.flag +
                          "\" is not a keyword (letters, digits, $_-.:+; not " + kRefusedKeyword + ")");
    if (settings.after == ImapIntakeSettings::After::Move) {
        const std::string moveKey = keys::kBouncerImapMoveTo.name;
        if (settings.moveTo.empty() || !imapQuoted(settings.moveTo))
            throw ConfigError(moveKey + " must name a mailbox (ASCII) when " + keys::kBouncerImapAfter.name + " = move");
        if (settings.moveTo == url.mailbox)
            throw ConfigError(moveKey + " is the mailbox read (" + url.mailbox + "): name another");
    }
    server.password = readPassword(keyValue(config, keys::kBouncerImapPasswordFile));
    return settings;
}

std::string imapSearchCriteria(const ImapIntakeSettings& settings)
{
    std::string criteria = "UNDELETED UNKEYWORD ";
    criteria += kRefusedKeyword;
    if (settings.after == ImapIntakeSettings::After::Flag)
        criteria += " UNKEYWORD " + settings.flag;
    return criteria;
}

IntakeResult processImap(ImapSession& mailbox, const ImapIntakeSettings& settings, std::size_t maxMessageBytes,
                         const OutcomeHandler& handle)
{
    IntakeResult result;
    try {
        const std::vector<std::uint32_t> uids = mailbox.search(imapSearchCriteria(settings));
        result.messages = uids.size();
        for (std::size_t i = 0; i < uids.size(); ++i) {
            std::optional<ImapMessage> fetched = mailbox.fetch(uids[i], maxMessageBytes);
            if (!fetched)
                continue;  // expunged by someone else since the search
            IncomingMessage message;
            message.data = std::move(fetched->data);
            message.totalBytes = fetched->totalBytes;
            message.source = "imap=" + settings.server.url + " uid=" + std::to_string(uids[i]);
            const Outcome outcome = handle(message);
            if (isRetryable(outcome)) {
                result.left = uids.size() - i;
                break;
            }
            ++result.processed;
            if (!isStored(outcome)) {
                mailbox.addFlags(uids[i], kRefusedKeyword);
            } else if (settings.after == ImapIntakeSettings::After::Flag) {
                mailbox.addFlags(uids[i], settings.flag + " \\Seen");
            } else {
                // The flag first: should the move fail, the message says it is recorded.
                mailbox.addFlags(uids[i], settings.flag + " \\Seen");
                mailbox.move(uids[i], settings.moveTo);
            }
        }
    } catch (const ImapError& e) {
        throw IntakeError(IntakeError::Kind::Unavailable, e.what());
    }
    return result;
}

} // namespace verpmail
