// AutoReplyDetectorTest: RFC 3834 and vendor markers, subjects in several languages.
#include "verpmail/bounce/AutoReplyDetector.h"

#include <gtest/gtest.h>

using namespace verpmail::bounce;

TEST(AutoReplyDetector, RecognisesMarkers)
{
    struct Row { const char* name; const char* value; bool want; };
    const Row rows[] = {
        {"Auto-Submitted", "auto-replied", true},
        {"Auto-Submitted", "no", false},
        {"X-Autoreply", "yes", true},
        {"Subject", "Automatic reply: Nyaan", true},
        {"Subject", "Out of Office: back Monday", true},
        {"Subject", "=?UTF-8?Q?R=C3=A9ponse_automatique?=", true},
        {"Subject", "Abwesenheitsnotiz", true},
        {"Subject", "Re: lunch", false},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(std::string(row.name) + ": " + row.value);
        HeaderBlock h;
        h.add({row.name, row.value});
        EXPECT_EQ(isAutoReply(h), row.want);
    }
}
