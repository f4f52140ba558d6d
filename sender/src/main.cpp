// verpmail-send entry point: option errors are usage errors (64), not Poco's 78.
#include "SenderApp.h"

#include <Poco/AutoPtr.h>

#include <iostream>

int main(int argc, char** argv)
{
    Poco::AutoPtr<verpmail::SenderApp> app(new verpmail::SenderApp);
    try {
        app->init(argc, argv);
    } catch (const Poco::Exception& e) {
        std::cerr << "verpmail-send: " << e.displayText() << " (see --help)\n";
        return verpmail::toInt(verpmail::ExitStatus::Usage);
    }
    return app->run();
}
