// Json: a small writer for the JSON the programs print (--json, --parse, reports).
//
//   JsonWriter j;
//   j.beginObject().key("campaign").value("c1").key("accepted").value(3).endObject();
//   std::cout << j.str() << '\n';
//
// Strings from untrusted sources are written as valid JSON whatever their bytes:
// control characters are escaped and invalid UTF-8 becomes U+FFFD, so one bad
// diagnostic cannot break a consumer's parser. Output is compact, keys in the order
// written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace verpmail {

class JsonWriter
{
public:
    /// Writes into a string of its own (str()).
    JsonWriter() = default;
    /// Appends to sink, which must outlive the writer: a caller printing many
    /// documents keeps one buffer instead of copying each one into it.
    explicit JsonWriter(std::string& sink) : _out(&sink) {}
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;

    JsonWriter& beginObject() { return open('{'); }
    JsonWriter& endObject() { return close('}'); }
    JsonWriter& beginArray() { return open('['); }
    JsonWriter& endArray() { return close(']'); }
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
    JsonWriter& value(std::int64_t number) { return literal(std::to_string(number)); }
    JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(unsigned number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(std::uint64_t number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(double number);
    JsonWriter& value(bool flag) { return literal(flag ? "true" : "false"); }
    JsonWriter& null() { return literal("null"); }

    const std::string& str() const { return *_out; }

private:
    void separate();
    JsonWriter& open(char bracket);
    JsonWriter& close(char bracket);
    /// A number or literal, written as it is.
    JsonWriter& literal(std::string_view text);

    std::string _own;
    std::string* _out = &_own;
    // Per open container, '1' while no element is written yet. A string, not a
    // vector<bool>: the usual few levels fit without a heap allocation.
    std::string _first;
    bool _afterKey = false;
};

/// Appends text to out as a quoted JSON string.
void appendJsonString(std::string& out, std::string_view text);

} // namespace verpmail
