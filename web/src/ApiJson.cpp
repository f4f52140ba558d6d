#include "ApiJson.h"

namespace verpmail::web {
namespace {

void writeMemberFields(JsonWriter& json, const MemberRow& m)
{
    json.key("id").value(m.id).key("email").value(m.email).key("name");
    writeOptional(json, m.name);
    json.key("active").value(m.active).key("inactive_reason");
    writeOptional(json, m.inactiveReason);
    json.key("bounce_status").value(m.bounceStatus).key("bounce_count").value(m.bounceCount).key("last_bounce_at");
    writeOptional(json, m.lastBounceAt);
}

void writeTracker(JsonWriter& json, const TrackerState& t)
{
    json.beginObject()
        .key("bounce_count").value(t.bounceCount)
        .key("hard_bounce_count").value(t.hardBounceCount)
        .key("soft_bounce_count").value(t.softBounceCount)
        .key("block_count").value(t.blockCount)
        .key("complaint_count").value(t.complaintCount)
        .key("sent_since_bounce").value(t.sentSinceBounce)
        .key("policy_state").value(t.policyState)
        .key("suppressed_reason");
    writeOptional(json, t.suppressedReason);
    json.key("ignore_bounces").value(t.ignoreBounces).key("last_bounce_at");
    writeOptional(json, t.lastBounceAt);
    json.endObject();
}

} // namespace

void writeOptional(JsonWriter& json, const std::optional<std::string>& text)
{
    if (text)
        json.value(*text);
    else
        json.null();
}

void writeMember(JsonWriter& json, const MemberRow& member)
{
    json.beginObject();
    writeMemberFields(json, member);
    json.endObject();
}

void writeMemberDetail(JsonWriter& json, const MemberDetail& detail)
{
    json.beginObject();
    writeMemberFields(json, detail.member);
    json.key("list_id").value(detail.listId).key("list").value(detail.listName).key("tracker");
    if (detail.tracker)
        writeTracker(json, *detail.tracker);
    else
        json.null();
    json.endObject();
}

void writeBounce(JsonWriter& json, const BounceRow& b)
{
    json.beginObject()
        .key("id").value(b.id)
        .key("class").value(b.bounceType)
        .key("reason").value(b.reason)
        .key("status_code").value(b.statusCode)
        .key("diagnostic").value(b.diagnostic)
        .key("bounced_at").value(b.bouncedAt)
        .key("campaign");
    writeOptional(json, b.campaign);
    json.key("kind").value(b.kind).endObject();
}

void writeDecision(JsonWriter& json, const DecisionRow& d)
{
    json.beginObject()
        .key("id").value(d.id)
        .key("state").value(d.state)
        .key("action").value(d.action)
        .key("rule").value(d.rule)
        .key("evidence").value(d.evidence)
        .key("actor").value(d.actor)
        .key("decided_at").value(d.decidedAt)
        .endObject();
}

} // namespace verpmail::web
