// DeliveryHeaders: what a message saved in a mailbox says about where it was delivered.
//
// Pipe delivery gets the envelope recipient from Postfix (${recipient}); a message
// saved in a catch-all mailbox has lost it. The delivery agent usually kept it in a
// header: Delivered-To (Postfix local(8), Dovecot LDA), X-Original-To (Postfix, the
// address before virtual/alias rewriting — the VERP address when a catch-all alias
// rewrote it), else the To of the return itself (MTAs address DSNs to the envelope
// sender). The envelope sender is in the mbox "From " line or Return-Path.
#pragma once

#include "verpmail/verp/VerpCodec.h"

#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

/// Every address in the message's own Delivered-To, X-Original-To and To fields, in
/// that order (each field in order of appearance), normalised, without repeats.
std::vector<std::string> deliveryAddresses(std::string_view message);

/// The Return-Path address of the message, or "".
std::string returnPath(std::string_view message);

/// The message without the trace fields at its top (Return-Path, Received,
/// Delivered-To, X-Original-To, with their continuation lines): what stays the same
/// when one return reaches us twice. Postfix re-delivering after a lost exit status
/// passes identical bytes anyway; but a remote MTA that retransmits after losing our
/// "250 OK" to DATA — the common duplicate — arrives with a new Received line and
/// queue id from our smtpd. The dedup key is computed over this view.
std::string_view withoutTraceFields(std::string_view message);

struct MailboxRecipient
{
    std::string recipient;               ///< the one to record as envelope recipient
    std::vector<std::string> others;     ///< the rest, tried after it
};

/// Picks the first address the codec reads as one of ours (prefix and form; the
/// tracker lookup comes later), else the first address at all; "" when none.
MailboxRecipient chooseRecipient(const VerpCodec& codec, const std::vector<std::string>& addresses);

} // namespace verpmail
