// PlaceholderText: text split once into literal segments and per-recipient slots.
//
//   std::vector<std::string> unknown;
//   PlaceholderText t = PlaceholderText::parse("Dear {{name|reader}},", &unknown);
//   PlaceholderValues v(personalization);            // once per recipient
//   t.render(out, v, Escaping::Html);                 // "Dear Ann &amp; Bob," (values escaped)
//
// The placeholders (also documented in MessageTemplate.h):
//   {{address}}  {{name}}  {{list}}  {{unsubscribe_url}}  {{unsubscribe_mailto}}
// Spaces inside the braces are allowed ("{{ name }}"). "{{name|text}}" inserts text when
// the value is empty; the fallback is template text and is inserted as written (it is
// already in the part's language, HTML or plain). An unknown "{{...}}" stays as it is and
// is reported through parse()'s unknown list.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace verpmail {

/// The per-recipient values. unsubscribeMailto is the whole URI ("mailto:...").
struct Personalization
{
    std::string address;
    std::string name;
    std::string list;
    std::string unsubscribeUrl;
    std::string unsubscribeMailto;
};

enum class Placeholder : std::uint8_t { Address, Name, List, UnsubscribeUrl, UnsubscribeMailto };
constexpr std::size_t kPlaceholderCount = 5;

/// How a value is written into its context.
enum class Escaping { Plain, Html };

/// The values of one recipient, prepared once for every context: CR, LF and NUL become
/// spaces (a value can never start a header line or a MIME boundary), and an
/// HTML-escaped copy is made for text/html parts.
struct PlaceholderValues
{
    explicit PlaceholderValues(const Personalization& values);
    const std::string& get(Placeholder p, Escaping e) const
    {
        return (e == Escaping::Html ? html : plain)[static_cast<std::size_t>(p)];
    }
    std::array<std::string, kPlaceholderCount> plain;
    std::array<std::string, kPlaceholderCount> html;
};

class PlaceholderText
{
public:
    /// Splits text at known placeholders; never fails. Each unknown "{{...}}" is appended
    /// to *unknown (when given) as written.
    static PlaceholderText parse(std::string_view text, std::vector<std::string>* unknown = nullptr);

    /// Text without placeholders, kept as one literal.
    static PlaceholderText literal(std::string text);

    bool hasSlots() const { return _slots > 0; }

    /// Appends the text with each slot replaced by its value (or fallback).
    void render(std::string& out, const PlaceholderValues& values, Escaping escaping) const;

    /// Bytes of literal text, a size hint for render().
    std::size_t literalSize() const { return _literalSize; }

private:
    struct Segment
    {
        std::string literal;           // text before the slot
        bool hasSlot = false;          // false only for the final segment
        Placeholder slot = Placeholder::Address;
        std::string fallback;          // "{{name|fallback}}"
    };
    std::vector<Segment> _segments;
    std::size_t _slots = 0;
    std::size_t _literalSize = 0;
};

} // namespace verpmail
