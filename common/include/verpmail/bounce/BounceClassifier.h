// BounceClassifier: maps what a return says (status code, reply code, diagnostic
// text, action) to a reason and a BounceClass, using rules kept as data
// (bounce/ClassifierRules.cpp), not code per sample.
#pragma once

#include "verpmail/bounce/ParsedReturn.h"

#include <string_view>

namespace verpmail {

struct Classification
{
    std::string reason;   ///< vocabulary of the reference labels: userunknown, hostunknown, ...
    BounceClass bounceClass = BounceClass::None;
};

/// Classifies one recipient result of a return of the given kind. Pure function.
Classification classify(ReturnKind kind, const RecipientResult& result);

/// The class a reason belongs to for a failed delivery: Hard for dead addresses
/// (userunknown, hostunknown, hasmoved, suppressed, notaccept with a 5xx status), Block when the
/// receiver refused the sender or the content, Soft otherwise.
BounceClass classOfReason(std::string_view reason, std::string_view status);

} // namespace verpmail
