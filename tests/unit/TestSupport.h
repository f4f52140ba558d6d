// TestSupport: what many unit tests need and nothing in the product does.
//
//   auto config = defaultConfig();            // every key at its compiled-in default
//   config->setString("smtp.server", "...");
//   TempDir dir;                              // removed with everything in it
//   std::string key = dir.privateFile("k", "0123456789abcdef");   // mode 0600
#pragma once

#include "verpmail/config/ConfigKeys.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace verpmail::test {

/// A configuration holding every key of ConfigKeys.h that has a default.
inline Poco::AutoPtr<Poco::Util::MapConfiguration> defaultConfig()
{
    Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
    for (const keys::Key* key : keys::kAll)
        if (key->defaultValue)
            config->setString(key->name, key->defaultValue);
    return config;
}

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir
{
public:
    TempDir()
    {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/verpmail-test-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed for " + pattern);
        path = pattern;
    }
    ~TempDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// Writes `name` in the directory, readable by its owner only (mode 0600).
    std::string privateFile(const std::string& name, const std::string& text) const
    {
        const std::string file = path + "/" + name;
        std::ofstream(file) << text;
        ::chmod(file.c_str(), 0600);
        return file;
    }

    std::string path;
};

} // namespace verpmail::test
