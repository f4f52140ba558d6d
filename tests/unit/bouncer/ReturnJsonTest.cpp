// ReturnJson writes the --parse line with constants and strings escaped straight
// into room made once. The model here builds the same line through JsonWriter, the
// general writer; the two must agree on any return, and the line must stay within
// the room returnJsonBound promises.
#include "ReturnJson.h"

#include "verpmail/util/Json.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace verpmail {
namespace {

std::string modelLine(const std::string& file, const ParsedReturn& parsed)
{
    JsonWriter j;
    j.beginObject().key("file").value(file).key("kind").value(toString(parsed.kind));
    j.key("recipients").beginArray();
    for (const RecipientResult& r : parsed.recipients) {
        j.beginObject().key("address").value(r.address).key("action").value(r.action);
        j.key("status").value(r.status).key("class").value(toString(r.bounceClass));
        j.key("reason").value(r.reason).key("diagnostic").value(r.diagnostic).endObject();
    }
    j.endArray();
    if (!parsed.feedbackType.empty())
        j.key("feedback_type").value(parsed.feedbackType);
    if (!parsed.campaign.empty())
        j.key("campaign").value(parsed.campaign);
    if (!parsed.problem.empty())
        j.key("problem").value(parsed.problem);
    j.endObject();
    return j.str();
}

/// Text of up to `maxLength` bytes, mostly plain, with quotes, backslashes, control
/// characters, UTF-8 (whole and cut) and stray 8-bit bytes mixed in.
std::string randomText(std::mt19937& rng, std::size_t maxLength)
{
    static const std::vector<std::string> pieces = {
        "a", "user@example.org", " ", "5.1.1", "\"", "\\", "\n", "\r\n", "\t", std::string("\0", 1),
        "\x01", "\x1f", "\x7f", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC3", "\xFF", "\x80",
        "0123456789abcdef", "Diagnostic-Code: smtp; 550 ",
    };
    std::string text;
    const std::size_t length = rng() % (maxLength + 1);
    while (text.size() < length)
        text += rng() % 4 != 0 ? std::string(1 + rng() % 40, static_cast<char>('a' + rng() % 26))
                               : pieces[rng() % pieces.size()];
    text.resize(length);
    return text;
}

ParsedReturn randomReturn(std::mt19937& rng)
{
    ParsedReturn parsed;
    parsed.kind = static_cast<ReturnKind>(rng() % 4);
    const std::size_t recipients = rng() % 4;
    for (std::size_t i = 0; i < recipients; ++i) {
        RecipientResult r;
        r.address = randomText(rng, 40);
        r.action = randomText(rng, 10);
        r.status = randomText(rng, 8);
        r.bounceClass = static_cast<BounceClass>(rng() % 6);
        r.reason = randomText(rng, 12);
        r.diagnostic = randomText(rng, 300);
        parsed.recipients.push_back(r);
    }
    if (rng() % 2)
        parsed.feedbackType = randomText(rng, 10);
    if (rng() % 2)
        parsed.campaign = randomText(rng, 20);
    if (rng() % 2)
        parsed.problem = randomText(rng, 30);
    return parsed;
}

TEST(ReturnJson, WritesTheLineTheGeneralWriterWrites)
{
    ParsedReturn parsed;
    parsed.kind = ReturnKind::Bounce;
    RecipientResult r;
    r.address = "a@b.org";
    r.action = "failed";
    r.status = "5.1.1";
    r.bounceClass = BounceClass::Hard;
    r.reason = "userunknown";
    r.diagnostic = "smtp; 550 \"no\" such\tuser";
    parsed.recipients.push_back(r);
    std::string out = "before\n";
    appendReturnJson(out, "x.eml", parsed);
    EXPECT_EQ(out, "before\n{\"file\":\"x.eml\",\"kind\":\"bounce\",\"recipients\":[{\"address\":\"a@b.org\","
                   "\"action\":\"failed\",\"status\":\"5.1.1\",\"class\":\"hard\",\"reason\":\"userunknown\","
                   "\"diagnostic\":\"smtp; 550 \\\"no\\\" such\\tuser\"}]}");

    const ParsedReturn empty;
    out.clear();
    appendReturnJson(out, "", empty);
    EXPECT_EQ(out, "{\"file\":\"\",\"kind\":\"other\",\"recipients\":[]}");
}

TEST(ReturnJson, AgreesWithTheModelAndStaysInItsRoomOnRandomReturns)
{
    std::mt19937 rng(20261123);
    for (int round = 0; round < 3000; ++round) {
        const ParsedReturn parsed = randomReturn(rng);
        const std::string file = randomText(rng, 90);
        const std::string want = modelLine(file, parsed);

        const std::size_t room = returnJsonBound(file, parsed);
        std::vector<char> buffer(room + 64, '#');
        const char* end = writeReturnJson(buffer.data(), file, parsed);
        ASSERT_LE(static_cast<std::size_t>(end - buffer.data()), room);
        ASSERT_EQ(std::string(static_cast<const char*>(buffer.data()), end), want) << "round " << round;
        for (std::size_t i = room; i < buffer.size(); ++i)
            ASSERT_EQ(buffer[i], '#') << "wrote past its room in round " << round;
    }
}

} // namespace
} // namespace verpmail
