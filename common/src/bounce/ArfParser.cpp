// ArfParser: see the header. The feedback-report body is a header block; only the
// fields that identify whom and what the complaint is about are kept.
#include "verpmail/bounce/ArfParser.h"

#include "verpmail/bounce/AddressScan.h"
#include "verpmail/bounce/Ascii.h"
#include "verpmail/bounce/HeaderBlock.h"

#include <algorithm>

namespace verpmail::bounce {

FeedbackReport parseFeedbackReport(std::string_view text, const ParseLimits& limits)
{
    FeedbackReport report;
    // Some reporters put a blank line between groups of fields; read all groups.
    std::size_t pos = 0;
    for (int group = 0; group < 8 && pos < text.size(); ++group)
    {
        std::size_t bodyAt = 0;
        const HeaderBlock fields = HeaderBlock::parse(text.substr(pos), limits.maxHeaderBytes, &bodyAt, 200);
        if (bodyAt == 0)
            break;
        pos += bodyAt;
        for (std::size_t i = 0; i < fields.size(); ++i)
        {
            const std::string_view name = fields.fieldName(i);
            const std::string_view value = fields.fieldValue(i);
            if (iequals(name, "Feedback-Type") && report.feedbackType.empty())
                report.feedbackType = toLower(trim(value));
            else if (iequals(name, "Original-Rcpt-To") || iequals(name, "Removal-Recipient"))
            {
                const std::string address = normaliseAddress(value);
                if (!address.empty() && report.recipients.size() < limits.maxRecipients &&
                    std::find(report.recipients.begin(), report.recipients.end(), address) == report.recipients.end())
                    report.recipients.push_back(address);
            }
            else if (iequals(name, "Original-Mail-From") && report.originalMailFrom.empty())
                report.originalMailFrom = normaliseAddress(value);
            else if (iequals(name, "Original-Envelope-Id") && report.originalEnvelopeId.empty())
                report.originalEnvelopeId = std::string(trim(value));
        }
    }
    return report;
}

} // namespace verpmail::bounce
