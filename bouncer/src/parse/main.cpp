// verpmail-bouncer-parse: "verpmail-bouncer --parse FILE..." in a program of its own.
//
// The front (bouncer/src/front) runs it for exactly that form; every other command
// line, --help included, goes to verpmail-bouncer-direct, which owns the options and
// the manual. Keeping the parse-only run apart lets it link only the parser, which
// needs no library but libstdc++: it starts in ~1 ms where the full program, which
// loads Poco, the MariaDB client and OpenSSL, takes ~7.
#include "ParseCommand.h"

#include "verpmail/util/ExitStatus.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

namespace {

using verpmail::ExitStatus;

ExitStatus run(int argc, char** argv)
{
    if (argc < 2 || std::strcmp(argv[1], "--parse") != 0) {
        std::fprintf(stderr, "verpmail-bouncer-parse: run as verpmail-bouncer --parse FILE... "
                             "(see verpmail-bouncer --help)\n");
        return ExitStatus::Usage;
    }
    return verpmail::runParseCommand(std::vector<std::string>(argv + 2, argv + argc));
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return verpmail::toInt(run(argc, argv));
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "verpmail-bouncer: out of memory\n");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "verpmail-bouncer: internal error: %s\n", e.what());
    }
    return verpmail::toInt(ExitStatus::Software);
}
