// SubmissionCheck: smtp.server answers EHLO as verpmail-send will meet it, and does not
// offer CHUNKING (with it, libESMTP sends each message as BDAT blocks whose replies wait
// for delayed ACKs: about 40 ms a message).
#pragma once

#include "check/CheckReport.h"

#include <string>

namespace verpmail::check {

/// @param server smtp.server, "host:port"
void checkSubmission(const std::string& server, CheckReport& report);

} // namespace verpmail::check
