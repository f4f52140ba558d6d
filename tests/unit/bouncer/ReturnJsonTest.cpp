// ReturnJsonTest: the --parse line, field by field, against hand-written lines.
#include "ParseCommand.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail {
namespace {

TEST(ReturnJson, WritesTheLineWithItsFieldsInOrder)
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

TEST(ReturnJson, WritesTheOptionalFieldsAfterTheRecipients)
{
    ParsedReturn parsed;
    parsed.kind = ReturnKind::Complaint;
    parsed.recipients.emplace_back();
    parsed.recipients.emplace_back();
    parsed.recipients[1].address = "c@d.example";
    parsed.feedbackType = "abuse";
    parsed.campaign = "spring\x01";
    parsed.problem = "bad \xFF byte";
    std::string out;
    appendReturnJson(out, "dir/y.eml", parsed);
    EXPECT_EQ(out, "{\"file\":\"dir/y.eml\",\"kind\":\"complaint\",\"recipients\":["
                   "{\"address\":\"\",\"action\":\"\",\"status\":\"\",\"class\":\"none\",\"reason\":\"\","
                   "\"diagnostic\":\"\"},"
                   "{\"address\":\"c@d.example\",\"action\":\"\",\"status\":\"\",\"class\":\"none\","
                   "\"reason\":\"\",\"diagnostic\":\"\"}],"
                   "\"feedback_type\":\"abuse\",\"campaign\":\"spring\\u0001\",\"problem\":\"bad \xEF\xBF\xBD byte\"}");
}

} // namespace
} // namespace verpmail
