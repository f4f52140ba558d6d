// ParseReturnFuzzer: libFuzzer entry point for the return parser.
//
// Feeds arbitrary bytes to parseReturn() under ASan + UBSan and then touches every
// field the bouncer would log or store (toString, printable, the JSON writer), so a
// result that is only broken when used (a dangling view, invalid UTF-8 reaching the
// writer) is caught too. The parser's contract is "never throws on input": anything
// but std::bad_alloc escaping is a finding, and libFuzzer reports it as a crash.
#include "verpmail/bounce/BounceParser.h"
#include "verpmail/util/Json.h"
#include "verpmail/util/Printable.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view message(reinterpret_cast<const char*>(data), size);
    const verpmail::ParsedReturn r = verpmail::parseReturn(message);

    verpmail::JsonWriter json;
    json.beginObject().key("kind").value(verpmail::toString(r.kind));
    json.key("subject").value(r.subject).key("problem").value(r.problem);
    json.key("campaign").value(r.campaign).key("envelopeId").value(r.envelopeId);
    json.key("feedbackType").value(r.feedbackType);
    json.key("recipients").beginArray();
    for (const auto& result : r.recipients)
    {
        json.beginObject();
        json.key("address").value(result.address).key("class").value(verpmail::toString(result.bounceClass));
        json.key("reason").value(result.reason).key("status").value(result.status);
        json.key("reply").value(result.replyCode).key("action").value(result.action);
        json.key("diagnostic").value(result.diagnostic).key("command").value(result.smtpCommand);
        json.endObject();
        (void)verpmail::printable(result.diagnostic);
        (void)verpmail::printable(result.address);
    }
    json.endArray().key("candidates").beginArray();
    for (const auto& candidate : r.verpCandidates)
        json.value(candidate);
    json.endArray().endObject();
    (void)verpmail::printable(r.subject);
    return 0;
}
