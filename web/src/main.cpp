// verpmail-web entry point. Its own main() instead of POCO_APP_MAIN: option errors are
// usage errors (64), and WebApp::main maps every other failure itself.
#include "WebApp.h"

#include <Poco/AutoPtr.h>

#include <cstdio>

int main(int argc, char** argv)
{
    try {
        Poco::AutoPtr<verpmail::web::WebApp> app(new verpmail::web::WebApp);
        return app->runWeb(argc, argv);
    } catch (...) {
        // Even construction failed (out of memory).
        std::fputs("verpmail-web: internal error\n", stderr);
        return 70;
    }
}
