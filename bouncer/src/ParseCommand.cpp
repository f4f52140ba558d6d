#include "ParseCommand.h"

#include "BoundedInput.h"

#include "verpmail/bounce/BounceParser.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace verpmail {

void appendReturnJson(std::string& out, std::string_view file, const ParsedReturn& parsed)
{
    JsonWriter json(out);
    json.beginObject().key("file").value(file).key("kind").value(toString(parsed.kind));
    json.key("recipients").beginArray();
    for (const RecipientResult& r : parsed.recipients) {
        json.beginObject().key("address").value(r.address).key("action").value(r.action);
        json.key("status").value(r.status).key("class").value(toString(r.bounceClass));
        json.key("reason").value(r.reason).key("diagnostic").value(r.diagnostic).endObject();
    }
    json.endArray();
    if (!parsed.feedbackType.empty())
        json.key("feedback_type").value(parsed.feedbackType);
    if (!parsed.campaign.empty())
        json.key("campaign").value(parsed.campaign);
    if (!parsed.problem.empty())
        json.key("problem").value(parsed.problem);
    json.endObject();
}

ExitStatus runParseCommand(const std::vector<std::string>& files)
{
    if (files.empty()) {
        std::fprintf(stderr, "verpmail-bouncer: --parse needs at least one FILE (see --help)\n");
        return ExitStatus::Usage;
    }
    ExitStatus status = ExitStatus::Ok;
    const ParseLimits limits;
    std::string line;
    for (const std::string& file : files) {
        // A directory opens and reads as empty ("no header"), as an istream ends it.
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            const int error = errno;
            std::fflush(stdout);   // keeps the lines before it ahead of the message
            std::fprintf(stderr, "verpmail-bouncer: cannot read %s: %s\n", printable(file).c_str(),
                         std::strerror(error));
            status = ExitStatus::NoInput;
            continue;
        }
        line.clear();
        appendReturnJson(line, file, parseReturn(readBounded(in, limits.maxBytes).data, limits));
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stdout);
    }
    std::fflush(stdout);
    return status;
}

} // namespace verpmail
