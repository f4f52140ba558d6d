// verpmail-bouncer entry point. Its own main() instead of POCO_APP_MAIN: Poco maps
// start-up failures to 78 and 70, which Postfix turns into a dropped return.
#include "BouncerApp.h"

#include <Poco/AutoPtr.h>

int main(int argc, char** argv)
{
    try {
        Poco::AutoPtr<verpmail::BouncerApp> app(new verpmail::BouncerApp);
        return app->runBouncer(argc, argv);
    } catch (...) {
        // Even construction failed (out of memory): keep the return queued.
        static const char kLine[] = "4.3.0 verpmail-bouncer internal error\n";
        (void)!fwrite(kLine, 1, sizeof kLine - 1, stdout);
        return 75;
    }
}
