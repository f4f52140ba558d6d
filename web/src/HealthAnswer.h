// HealthAnswer: the answer of GET /health and GET /api/v1/health, one shape for both.
//
//   return healthAnswer([&] { directory.ping(); }, log, "action=health", 30);
//
// 200 {"status":"ok","database":"ok"} when `ping` returns; 503
// {"status":"unavailable","database":"unavailable"} with Retry-After when it throws
// StoreUnavailable, logged at information after `logKeys` (key=value).
#pragma once

#include "WebExchange.h"

#include <Poco/Logger.h>

#include <functional>

namespace verpmail::web {

WebAnswer healthAnswer(const std::function<void()>& ping, Poco::Logger& log, const char* logKeys,
                       unsigned retryAfterSeconds);

} // namespace verpmail::web
