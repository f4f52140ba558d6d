// JsonReaderTest: the JSON reader against hand-written expectations (tables of valid
// and invalid documents, every escape, surrogates, depth, truncation) and against
// Poco::JSON, which it replaced, on valid documents and random mutations of one.
#include "verpmail/util/JsonReader.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace verpmail {
namespace {

// The tree in one canonical form to compare with a table: members in document
// order (duplicates kept), numbers and literals as written, strings quoted with only
// '"', '\\' and control bytes escaped, so that decoded bytes show as they are.
std::string dump(JsonValue value)
{
    std::string out;
    switch (value.kind())
    {
    case JsonKind::Missing: return "<missing>";
    case JsonKind::String:
        out += '"';
        for (const char c : value.string())
        {
            if (c == '"' || c == '\\')
                out += '\\';
            if (static_cast<unsigned char>(c) < 0x20)
            {
                char hex[8];
                std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned char>(c));
                out += hex;
            }
            else
            {
                out += c;
            }
        }
        return out + '"';
    case JsonKind::Array:
        out += '[';
        for (const JsonValue element : value.elements())
            out += (out.size() > 1 ? "," : "") + dump(element);
        return out + ']';
    case JsonKind::Object:
        out += '{';
        for (const JsonMember member : value.members())
        {
            if (out.size() > 1)
                out += ',';
            out += '"' + std::string(member.name) + "\":" + dump(member.value);
        }
        return out + '}';
    default: return std::string(value.source());
    }
}

std::string dumpOf(std::string_view text)
{
    JsonDocument document;
    return document.parse(text) ? dump(document.root()) : "<not json>";
}

bool pocoAccepts(const std::string& text)
{
    try
    {
        Poco::JSON::Parser parser;
        parser.parse(text);
        return true;
    }
    catch (...)
    {
        return false;
    }
}

struct Case
{
    std::string in;
    std::string out;
};

TEST(JsonReader, ReadsValidDocuments)
{
    const Case cases[] = {
        {"{}", "{}"},
        {"[]", "[]"},
        {" \t\r\n{ \t\r\n} \t\r\n", "{}"},
        {R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})", R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})"},
        {R"([ 1 , "two" , [ ] , { } , [ [ ] ] ])", R"([1,"two",[],{},[[]]])"},
        {R"({"":""})", R"({"":""})"},
        {"\"top-level string\"", "\"top-level string\""},
        {"42", "42"},
        {"true", "true"},
        {"null", "null"},
        {"{\"utf8\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\x7F\"}",
         "{\"utf8\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\x7F\"}"},
        // Duplicate keys are kept in the tree; member() takes the last (see Lookups).
        {R"({"k":1,"k":2})", R"({"k":1,"k":2})"},
    };
    for (const Case& c : cases)
        EXPECT_EQ(dumpOf(c.in), c.out) << c.in;
}

TEST(JsonReader, DecodesEveryEscape)
{
    const Case cases[] = {
        {R"("\"")", "\""},
        {R"("\\")", "\\"},
        {R"("\/")", "/"},
        {R"("\b")", "\b"},
        {R"("\f")", "\f"},
        {R"("\n")", "\n"},
        {R"("\r")", "\r"},
        {R"("\t")", "\t"},
        {R"("\u0000")", std::string(1, '\0')},
        {R"("\u0041\u007f")", "A\x7f"},
        {R"("\u00e9\u00E9")", "\xC3\xA9\xC3\xA9"},
        {R"("\u07FF\u0800")", "\xDF\xBF\xE0\xA0\x80"},
        {R"("\u20ac\uFFFF")", "\xE2\x82\xAC\xEF\xBF\xBF"},
        {R"("\ud83d\ude00")", "\xF0\x9F\x98\x80"},
        {R"("\uD800\uDC00")", "\xF0\x90\x80\x80"},
        {R"("\uDBFF\uDFFF")", "\xF4\x8F\xBF\xBF"},
        {R"("plain \"quoted\" and more plain text past eight bytes\n")",
         "plain \"quoted\" and more plain text past eight bytes\n"},
        {R"("a\\b\\c\\d\\e\\f\\g")", "a\\b\\c\\d\\e\\f\\g"},
    };
    for (const Case& c : cases)
    {
        JsonDocument document;
        ASSERT_TRUE(document.parse(c.in)) << c.in;
        EXPECT_EQ(document.root().string(), c.out) << c.in;
        EXPECT_EQ(document.root().source(), c.in);
    }
}

TEST(JsonReader, RejectsBadStrings)
{
    const std::string bad[] = {
        R"("\ud83d")",        // a lone high surrogate
        R"("\ud83dx")",       // ... followed by no escape
        R"("\ud83d\n")",      // ... followed by another escape
        R"("\ud83d\u0041")",  // ... followed by no low surrogate
        R"("\ud83d\ud83d")",  // ... followed by a high one
        R"("\ude00")",        // a lone low surrogate
        R"("\ude00\ud83d")",  // a pair the wrong way round
        R"("\u12")",
        R"("\u12G4")",
        R"("\U0041")",
        R"("\x41")",
        R"("\a")",
        R"("\ ")",
        "\"tab\there\"",
        "\"new\nline\"",
        std::string("\"nul\0\"", 6),
        "\"\x1f\"",
        "\"\xFF\"",         // no UTF-8 lead byte
        "\"\x80\"",         // a continuation byte alone
        "\"\xC3\"",         // a sequence cut short
        "\"\xC3z\"",
        "\"\xC0\xAF\"",     // overlong '/'
        "\"\xE0\x80\xAF\"", // overlong
        "\"\xF0\x80\x80\xAF\"",
        "\"\xED\xA0\x80\"", // a surrogate in UTF-8
        "\"\xF4\x90\x80\x80\"", // past U+10FFFF
        "\"\xF5\x80\x80\x80\"",
        "\"unterminated",
        "\"unterminated\\\"",
        "'single'",
    };
    for (const std::string& text : bad)
    {
        EXPECT_EQ(dumpOf(text), "<not json>") << text;
        // Poco refused each of them too.
        EXPECT_FALSE(pocoAccepts("[" + text + "]")) << text;
    }
}

TEST(JsonReader, ReadsNumbersByTheGrammar)
{
    const std::string good[] = {"0", "-0", "7", "-7", "10", "1234567890", "0.5", "-0.0", "1.25", "1e5", "1E5",
                                "1e+5", "1e-5", "0e0", "-1.5E-300",
                                // Kept as text: no range limit (Poco refused these two).
                                "123456789012345678901234567890", "1e400"};
    for (const std::string& number : good)
    {
        EXPECT_EQ(dumpOf(number), number);
        EXPECT_EQ(dumpOf("[" + number + "]"), "[" + number + "]");
        EXPECT_EQ(dumpOf("{\"n\":" + number + "}"), "{\"n\":" + number + "}");
    }
    const std::string bad[] = {"01", "-01", "00", "1.", "-", "-.5", ".5", "+1", "1e", "1e+", "1E-", "1.e5", "--1",
                               "0x10", "1.5.5", "1e5e5", "Infinity", "-Infinity", "NaN", "1_000", "٣"};
    for (const std::string& number : bad)
    {
        EXPECT_EQ(dumpOf(number), "<not json>") << number;
        EXPECT_EQ(dumpOf("[" + number + "]"), "<not json>") << number;
        EXPECT_FALSE(pocoAccepts("[" + number + "]")) << number;
    }
}

TEST(JsonReader, RejectsBadStructureAndTrailingText)
{
    const std::string bad[] = {
        "", " ", "\r\n", "{", "}", "[", "]", "[}", "{]", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "{,}",
        "{\"a\":1 \"b\":2}", "{a:1}", "{'a':1}", "{1:1}", "[1,]", "[,1]", "[1 2]", "[1,,2]", "tru", "True", "nul",
        "nulll", "falsey", "{} x", "{}{}", "[1] 2", "1 2", "\"a\"\"b\"", std::string("{}\0", 3),
        "{\"a\":1}/*comment*/", "// comment\n{}", "\xEF\xBB\xBF{}", // a byte-order mark
        "\v{}", "{}\f",                                               // not JSON white space
    };
    for (const std::string& text : bad)
    {
        EXPECT_EQ(dumpOf(text), "<not json>") << text;
        if (!text.empty() && (text[0] == '{' || text[0] == '['))
        {
            EXPECT_FALSE(pocoAccepts(text)) << text;
        }
    }
}

TEST(JsonReader, LimitsDepth)
{
    const std::size_t limit = JsonDocument::kMaxDepth;
    const auto arrays = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
    const auto objects = [](std::size_t depth) {
        std::string text;
        for (std::size_t i = 0; i < depth; ++i)
            text += "{\"k\":";
        text += "0";
        return text + std::string(depth, '}');
    };
    const auto mixed = [](std::size_t depth) {
        std::string open, close;
        for (std::size_t i = 0; i < depth; ++i)
        {
            open += i % 2 ? "[" : "{\"k\":";
            close.insert(close.begin(), i % 2 ? ']' : '}');
        }
        return open + "1" + close;
    };
    using Maker = std::function<std::string(std::size_t)>;
    for (const Maker& make : {Maker(arrays), Maker(objects), Maker(mixed)})
    {
        JsonDocument document;
        EXPECT_TRUE(document.parse(make(limit - 1)));
        EXPECT_TRUE(document.parse(make(limit)));
        EXPECT_FALSE(document.parse(make(limit + 1)));
        EXPECT_TRUE(document.root().isMissing());
        // As Poco's default limit has it.
        EXPECT_TRUE(pocoAccepts(make(limit)));
        EXPECT_FALSE(pocoAccepts(make(limit + 1)));
    }
    // Far past the limit, and never closed: refused at once, without recursion.
    JsonDocument document;
    EXPECT_FALSE(document.parse(std::string(1000000, '[')));
    EXPECT_FALSE(document.parse(std::string(100000, '[') + std::string(100000, ']')));
}

// A notification-like document with every kind of value, escapes and surrogates.
const std::string kSample =
    R"({"Type":"Notification","Message":"{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\"}}",)"
    R"("bounce":{"bouncedRecipients":[{"emailAddress":"a@example.jp","status":"5.1.1","diagnosticCode":"smtp; 550 \u00e9\ud83d\ude00"}],)"
    R"("count":-12.5e+3,"ok":true,"no":false,"none":null,"empty":[],"nested":[[{"x":[0]}]]},"tail":"\/\b\f\n\r\t\\"})";

TEST(JsonReader, RefusesEveryTruncationOfADocument)
{
    JsonDocument document;
    ASSERT_TRUE(document.parse(kSample));
    for (std::size_t length = 0; length < kSample.size(); ++length)
    {
        // A copy of its own, so that a read past the end is one the sanitizers see.
        const std::string prefix = kSample.substr(0, length);
        EXPECT_FALSE(document.parse(prefix)) << length;
        EXPECT_TRUE(document.root().isMissing());
    }
}

TEST(JsonReader, Lookups)
{
    JsonDocument document;
    ASSERT_TRUE(document.parse(kSample));
    const JsonValue root = document.root();
    EXPECT_EQ(root.member("Type").string(), "Notification");
    const JsonValue bounce = root.member("bounce");
    ASSERT_TRUE(bounce.isObject());
    EXPECT_EQ(bounce.member("count").kind(), JsonKind::Number);
    EXPECT_EQ(bounce.member("count").source(), "-12.5e+3");
    EXPECT_EQ(bounce.member("count").string(), "");
    EXPECT_EQ(bounce.member("ok").kind(), JsonKind::True);
    EXPECT_EQ(bounce.member("no").kind(), JsonKind::False);
    EXPECT_EQ(bounce.member("none").kind(), JsonKind::Null);
    EXPECT_EQ(bounce.member("nested").source(), R"([[{"x":[0]}]])");
    EXPECT_EQ(root.member("tail").string(), "/\b\f\n\r\t\\");
    int recipients = 0;
    for (const JsonValue item : bounce.member("bouncedRecipients").elements())
    {
        ++recipients;
        EXPECT_EQ(item.member("diagnosticCode").string(), "smtp; 550 \xC3\xA9\xF0\x9F\x98\x80");
    }
    EXPECT_EQ(recipients, 1);

    // Nothing found, and lookups on what is not there or not a container, find nothing.
    EXPECT_TRUE(root.member("absent").isMissing());
    EXPECT_TRUE(root.member("absent").member("deeper").isMissing());
    EXPECT_TRUE(root.member("Type").member("x").isMissing());
    EXPECT_EQ(root.member("absent").source(), "");
    EXPECT_FALSE(bounce.elements().begin() != bounce.elements().end());
    EXPECT_FALSE(JsonValue().members().begin() != JsonValue().members().end());

    // Duplicate keys: the last one counts, as in Poco and JSON.parse.
    ASSERT_TRUE(document.parse(R"({"k":"first","k":"last","x":1})"));
    EXPECT_EQ(document.root().member("k").string(), "last");
    // Keys match once decoded.
    ASSERT_TRUE(document.parse(R"({"a\u0062":1,"c\"d":2})"));
    EXPECT_EQ(document.root().member("ab").source(), "1");
    EXPECT_EQ(document.root().member("c\"d").source(), "2");

    // The message inside an envelope reads from the decoded text of the outer one.
    ASSERT_TRUE(document.parse(kSample));
    JsonDocument message;
    ASSERT_TRUE(message.parse(document.root().member("Message").string()));
    EXPECT_EQ(message.root().member("bounce").member("bounceType").string(), "Permanent");

    // A failed parse leaves nothing of the one before.
    EXPECT_FALSE(document.parse("{"));
    EXPECT_TRUE(document.root().isMissing());
}

// Poco's tree and ours hold the same: the oracle for valid documents.
void expectSameAsPoco(JsonValue ours, const Poco::Dynamic::Var& theirs, const std::string& where)
{
    SCOPED_TRACE(where);
    if (theirs.type() == typeid(Poco::JSON::Object::Ptr))
    {
        ASSERT_TRUE(ours.isObject());
        const auto object = theirs.extract<Poco::JSON::Object::Ptr>();
        std::vector<std::string> names;
        for (const JsonMember member : ours.members())
            names.emplace_back(member.name);
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        ASSERT_EQ(names.size(), object->size());
        for (const std::string& name : names)
        {
            ASSERT_TRUE(object->has(name)) << name;
            expectSameAsPoco(ours.member(name), object->get(name), where + "." + name);
        }
    }
    else if (theirs.type() == typeid(Poco::JSON::Array::Ptr))
    {
        ASSERT_TRUE(ours.isArray());
        const auto array = theirs.extract<Poco::JSON::Array::Ptr>();
        std::size_t i = 0;
        for (const JsonValue element : ours.elements())
        {
            ASSERT_LT(i, array->size());
            expectSameAsPoco(element, array->get(static_cast<unsigned>(i)), where + "[" + std::to_string(i) + "]");
            ++i;
        }
        EXPECT_EQ(i, array->size());
    }
    else if (theirs.isEmpty())
    {
        EXPECT_EQ(ours.kind(), JsonKind::Null);
    }
    else if (theirs.type() == typeid(bool))
    {
        EXPECT_EQ(ours.kind(), theirs.extract<bool>() ? JsonKind::True : JsonKind::False);
    }
    else if (theirs.isString())
    {
        ASSERT_TRUE(ours.isString());
        EXPECT_EQ(ours.string(), theirs.extract<std::string>());
    }
    else
    {
        ASSERT_EQ(ours.kind(), JsonKind::Number);
        EXPECT_EQ(std::strtod(std::string(ours.source()).c_str(), nullptr), theirs.convert<double>()) << ours.source();
    }
}

void expectSameAsPoco(const std::string& text)
{
    JsonDocument document;
    ASSERT_TRUE(document.parse(text)) << text;
    Poco::JSON::Parser parser;
    expectSameAsPoco(document.root(), parser.parse(text), text.substr(0, 60));
}

// A random document of every kind of value: strings of plain, escaped and non-ASCII
// characters, numbers of every form, nesting, white space between tokens.
class RandomDocument
{
public:
    explicit RandomDocument(unsigned seed) : _random(seed) {}

    std::string make()
    {
        _text.clear();
        container(0);
        return _text;
    }

private:
    std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(_random); }
    void space()
    {
        static const char* const kSpaces[] = {"", "", "", " ", "\n", "\t", "\r\n  "};
        _text += kSpaces[below(7)];
    }
    // Poco cut a key at a NUL byte (it read keys as C strings): keys have none here.
    void string(bool key = false)
    {
        static const char* const kPieces[] = {"a", "Bounce", " ", "example.jp", "\\\"", "\\\\", "\\/", "\\b", "\\f",
                                              "\\n", "\\r", "\\t", "\\u0000", "\\u00e9", "\\u20AC", "\\ud83d\\ude00",
                                              "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\x7f", "{}[],:"};
        _text += '"';
        for (std::size_t n = below(12); n > 0; --n)
        {
            const char* piece = kPieces[below(sizeof kPieces / sizeof *kPieces)];
            _text += key && std::string_view(piece) == "\\u0000" ? "\\u0001" : piece;
        }
        _text += '"';
    }
    void value(std::size_t depth)
    {
        static const char* const kScalars[] = {"0", "-0", "17", "-3.25", "1e3", "2.5E-2", "true", "false", "null"};
        const std::size_t pick = below(depth < 6 ? 16 : 11);
        if (pick < 9)
            _text += kScalars[pick];
        else if (pick < 11)
            string();
        else
            container(depth + 1);
    }
    void container(std::size_t depth)
    {
        const bool object = below(2) == 0;
        _text += object ? '{' : '[';
        for (std::size_t n = depth == 0 ? 1 + below(8) : below(6), i = 0; i < n; ++i)
        {
            space();
            if (i > 0)
                _text += ',';
            space();
            if (object)
            {
                string(true);
                space();
                _text += ':';
                space();
            }
            value(depth);
            space();
        }
        _text += object ? '}' : ']';
    }

    std::mt19937 _random;
    std::string _text;
};

TEST(JsonReader, ReadsWhatPocoReads)
{
    for (const std::string& text :
         {kSample, std::string(R"({"a":[1,2,{"b":null}],"c":"d","a":"dup"})"), std::string(R"([[[]],{},"",0])"),
          std::string("{\"caf\xC3\xA9\":\"\\u00e9\xC3\xA9\"}")})
        expectSameAsPoco(text);
    RandomDocument random(20241122);
    for (int i = 0; i < 500; ++i)
        expectSameAsPoco(random.make());
}

// Random damage to a notification: whatever either reader accepts, the other does
// too, but for the numbers Poco could not hold; and nothing reads out of bounds (the
// sanitizer builds run this).
TEST(JsonReader, AgreesWithPocoOnDamagedDocuments)
{
    std::mt19937 random(7);
    const auto below = [&random](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };
    const char kBytes[] = "{}[]\",:\\u0123456789abcdefABCDEF.-+eE tfnrl\n\x80\xBF\xC3\xED\xF0\xF4\xFF";
    int accepted = 0;
    for (int i = 0; i < 3000; ++i)
    {
        std::string text = kSample;
        for (std::size_t n = 1 + below(3); n > 0; --n)
        {
            const std::size_t at = below(text.size());
            const char byte = kBytes[below(sizeof kBytes - 1)];
            switch (below(3))
            {
            case 0: text[at] = byte; break;
            case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), byte); break;
            default: text.erase(at, 1 + below(4)); break;
            }
        }
        JsonDocument document;
        const bool ours = document.parse(text);
        bool theirs = false;
        bool numberRange = false;
        try
        {
            Poco::JSON::Parser parser;
            parser.parse(text);
            theirs = true;
        }
        catch (const Poco::SyntaxException&)
        {
            numberRange = true; // "Not a valid (unsigned) integer / floating-point number"
        }
        catch (...)
        {
        }
        if (ours && !theirs && numberRange)
            continue;
        ASSERT_EQ(ours, theirs) << text;
        if (ours)
        {
            ++accepted;
            expectSameAsPoco(text);
        }
    }
    EXPECT_GT(accepted, 0);
}

} // namespace
} // namespace verpmail
