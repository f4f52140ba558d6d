// verpmail-bouncerd entry point. Its own main() instead of POCO_APP_MAIN, as the
// bouncer's: the exit status is chosen in BouncerDaemon::main and nowhere else.
#include "BouncerDaemon.h"

#include <Poco/AutoPtr.h>

#include <cstdio>

int main(int argc, char** argv)
{
    try {
        Poco::AutoPtr<verpmail::BouncerDaemon> daemon(new verpmail::BouncerDaemon);
        return daemon->runDaemon(argc, argv);
    } catch (...) {
        std::fputs("verpmail-bouncerd: internal error\n", stderr);
        return 70;
    }
}
