// CorpusData: the development corpus as the figures see it: each message's reference
// labels (labels.jsonl) and what "verpmail-bouncer --parse" printed for it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace corpus {

/// One verdict set for a message: the reasons of its failed recipients and, per
/// reason set, whether each is called dead ("hard") or not ("nothard").
struct Verdicts
{
    std::set<std::string> addresses; ///< lower-cased; placeholders for redacted reports left out
    std::set<std::string> reasons;   ///< failure reasons only (no delivered/feedback/vacation)
    std::set<std::string> hard;      ///< "hard" and/or "nothard"
};

/// A corpus message: its reference labels and the parser's answer.
struct Message
{
    std::string file;  ///< path under messages/
    std::string mta;   ///< the labels' MTA family
    std::string kind;  ///< the reference kind (bounce, complaint, autoreply, ...)
    Verdicts reference;
    std::string gotKind;
    Verdicts got;
    std::string gotStatus;     ///< first recipient's status, for disagreement lists
    std::string gotDiagnostic; ///< first recipient's diagnostic, shortened
};

/// Reasons that are not failures: they do not count towards reason or hard flag.
bool isNonFailureReason(const std::string& reason);

std::string lower(std::string s);
std::string join(const std::set<std::string>& values);

/// The corpus directory and the bouncer the test was built with.
const std::string& corpusDir();

/// Every labelled message with the parser's answer; empty when labels.jsonl is missing
/// or empty. `exitStatus` is the bouncer's exit status. Throws when the bouncer prints
/// no line for a labelled file.
std::vector<Message> loadCorpus(int& exitStatus);

/// The raw bytes of a corpus message (path under messages/); empty if unreadable.
std::string readMessage(const std::string& file);

} // namespace corpus
