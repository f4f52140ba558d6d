// ApiJson: the JSON shapes of the API's answers, written with JsonWriter (every
// value escaped, whatever its bytes). Field names are snake_case; a NULL is null.
#pragma once

#include "verpmail/store/ListingStore.h"
#include "verpmail/util/Json.h"

#include <optional>
#include <string>

namespace verpmail::web {

/// A text or null.
void writeOptional(JsonWriter& json, const std::optional<std::string>& text);

/// {"id","email","name","active","inactive_reason","bounce_status","bounce_count","last_bounce_at"}
void writeMember(JsonWriter& json, const MemberRow& member);

/// The member's fields and list_id, list, tracker (null: never mailed).
void writeMemberDetail(JsonWriter& json, const MemberDetail& detail);

/// {"id","class","reason","status_code","diagnostic","bounced_at","campaign","kind"}
void writeBounce(JsonWriter& json, const BounceRow& bounce);

/// {"id","state","action","rule","evidence","actor","decided_at"}; evidence as sent (JSON text).
void writeDecision(JsonWriter& json, const DecisionRow& decision);

} // namespace verpmail::web
