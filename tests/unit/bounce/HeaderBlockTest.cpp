// HeaderBlockTest: unfolding, lookup and the broken headers real returns carry.
#include "verpmail/bounce/HeaderBlock.h"
#include "AsciiCaseModel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace verpmail::bounce;

TEST(HeaderBlock, UnfoldsAndFindsFields)
{
    std::size_t bodyAt = 0;
    const std::string text = "From MAILER-DAEMON Thu Apr 29 2010\n"   // mbox line: skipped
                             "Subject: Undelivered\n Mail\n"
                             "content-type: text/plain\n"
                             "\n"
                             "body";
    const HeaderBlock h = HeaderBlock::parse(text, 1000, &bodyAt);
    EXPECT_EQ(h.get("Subject"), "Undelivered Mail");
    EXPECT_EQ(h.get("Content-Type"), "text/plain");
    EXPECT_EQ(h.get("Missing"), "");
    EXPECT_EQ(text.substr(bodyAt), "body");
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h.fieldName(1), "content-type");
    EXPECT_EQ(h.fieldValue(0), "Undelivered Mail");
    EXPECT_EQ(h.find("SUBJECT"), "Undelivered Mail");
    EXPECT_EQ(h.getAll("subject"), std::vector<std::string>{"Undelivered Mail"});
}

TEST(HeaderBlock, CutsLongFieldsAndStopsAtNonFieldLine)
{
    const std::string text = "X-Long: " + std::string(100, 'a') + "\nnot a header line\nTo: x@y.example\n";
    const HeaderBlock h = HeaderBlock::parse(text, 10);
    EXPECT_EQ(h.get("X-Long").size(), 10u);
    EXPECT_FALSE(h.has("To"));
}

TEST(HeaderBlock, ViewsPlainFieldsAndUnfoldsFoldedOnes)
{
    struct Row { const char* name; std::size_t maxFieldBytes; const char* header; const char* want; };
    const Row rows[] = {
        {"one line", 1000, "To: a@b.example\n", "a@b.example"},
        {"trimmed", 1000, "To:   a@b.example  \n", "a@b.example"},
        {"blank before colon", 1000, "To : a@b.example\n", "a@b.example"},
        {"folded", 1000, "To: a@b.example,\n c@d.example\n", "a@b.example, c@d.example"},
        {"folded twice, tab", 1000, "To: a,\n\tb,\n   c\n", "a, b, c"},
        {"empty, then folded", 1000, "To:\n a@b.example\n", "a@b.example"},
        {"cut", 5, "To: abcdefgh\n", "abcde"},
        {"cut in a continuation", 6, "To: abc\n defgh\n", "abc de"},
        {"cut before a continuation", 3, "To: abc\n defgh\n", "abc"},
        {"cut after the separating space", 4, "To: abc\n defgh\n", "abc "},
        {"cut after the separating space, tab", 4, "To: abc\n\tdefgh\n", "abc "},
        {"blanks and tab before a continuation", 1000, "To: abc \n \t  d  \n\t \te\n", "abc d e"},
        {"obsolete blank before colon, folded", 1000, "To :  abc\n d\n", "abc d"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        // Folded fields around the one looked up: each keeps its own value.
        const std::string text = std::string("Received: from x\n by y\nX-Plain: p\n") + row.header + "X-After: q\n \n";
        const HeaderBlock h = HeaderBlock::parse(text, row.maxFieldBytes);
        EXPECT_EQ(h.find("To"), row.want);
        EXPECT_EQ(h.find("Received"), std::string("from x by y").substr(0, row.maxFieldBytes));
        EXPECT_EQ(h.find("X-Plain"), "p");
        EXPECT_EQ(h.find("X-After"), "q");
    }
}

TEST(HeaderBlock, CopiesStayValidAndAddedFieldsAreOwned)
{
    const std::string text = "Subject: folded\n value\nFrom: f@example.org\n\n";
    HeaderBlock copy;
    {
        const HeaderBlock parsed = HeaderBlock::parse(text, 1000);
        copy = parsed;
    }
    std::string name = "X-Added";
    std::string value = "v";
    copy.add({name, value});
    name.assign("overwritten");
    value.assign("overwritten");
    EXPECT_EQ(copy.find("Subject"), "folded value");
    EXPECT_EQ(copy.find("From"), "f@example.org");
    EXPECT_EQ(copy.find("X-Added"), "v");
    EXPECT_EQ(copy.fieldName(2), "X-Added");
}

// Folded fields are unfolded when first read: the value must not depend on when,
// in which order or how often fields are read, nor on copies and moves of the block.
TEST(HeaderBlock, UnfoldsFoldedFieldsWhenReadInAnyOrder)
{
    const std::string text = "Received: from a\n by b\n\twith c\n"
                             "Subject: one\n two\n"
                             "X-Plain: p\n"
                             "Received: from d\n by e\n"
                             "DKIM-Signature: v=1;\n a=rsa;\n b=xyz\n"
                             "X-Long: 0123456789\n abcdefghij\n klm\n"
                             "\nbody";
    struct Want { const char* name; const char* value; };
    const Want wants[] = {
        {"Received", "from a by b with c"}, {"Subject", "one two"}, {"X-Plain", "p"},
        {"DKIM-Signature", "v=1; a=rsa; b=xyz"}, {"X-Long", "0123456789 abcdefghij klm"},
    };
    struct Row { const char* name; std::vector<std::size_t> order; };
    const Row rows[] = {
        {"in order", {0, 1, 2, 3, 4}},
        {"reversed", {4, 3, 2, 1, 0}},
        {"interleaved, repeated", {3, 0, 3, 4, 1, 0, 2, 4}},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        const HeaderBlock h = HeaderBlock::parse(text, 1000);
        std::vector<std::string_view> first(std::size(wants));
        for (const std::size_t w : row.order)
        {
            const std::string_view value = h.find(wants[w].name);
            EXPECT_EQ(value, wants[w].value) << wants[w].name;
            if (first[w].data() == nullptr)
            {
                first[w] = value;
            }
            else
            {
                EXPECT_EQ(value.data(), first[w].data()) << "read twice, same view: " << wants[w].name;
            }
        }
        // Views handed out earlier survive the unfolding of the others.
        for (std::size_t w = 0; w < std::size(wants); ++w)
        {
            if (first[w].data() != nullptr)
            {
                EXPECT_EQ(first[w], wants[w].value) << wants[w].name;
            }
        }
        EXPECT_EQ(h.getAll("Received"), (std::vector<std::string>{"from a by b with c", "from d by e"}));
        EXPECT_EQ(h.fieldValue(3), "from d by e");
    }
}

TEST(HeaderBlock, CutsFoldedFieldsLongerThanTheLimitWhenRead)
{
    struct Row { const char* name; std::size_t maxFieldBytes; const char* want; };
    const Row rows[] = {
        {"in the first line", 3, "abc"},
        {"at the end of the first line", 4, "abcd"},
        {"at the separating space", 5, "abcd "},
        {"in the second line", 7, "abcd ef"},
        {"in the third line", 11, "abcd efg hi"},
        {"not cut", 100, "abcd efg hij"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        const std::string text = "Received: x\n y\nX-Long:  abcd \n  efg\n\thij  \nTo: t\n\n";
        const HeaderBlock h = HeaderBlock::parse(text, row.maxFieldBytes);
        EXPECT_EQ(h.find("X-Long"), row.want);
        EXPECT_EQ(h.find("X-Long"), row.want);
        EXPECT_EQ(h.find("To"), "t");
        EXPECT_EQ(h.find("Received"), std::string("x y").substr(0, row.maxFieldBytes));
    }
}

TEST(HeaderBlock, CopiesAndMovesKeepFoldedFieldsReadOrNot)
{
    const std::string text = "Received: from a\n by b\nSubject: one\n two\nReceived: from c\n by d\n\n";
    struct Row { const char* name; bool readBefore; bool move; };
    const Row rows[] = {
        {"copy, unread", false, false},
        {"copy, read", true, false},
        {"move, unread", false, true},
        {"move, read", true, true},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        HeaderBlock other;
        std::string_view before;
        {
            HeaderBlock parsed = HeaderBlock::parse(text, 1000);
            if (row.readBefore)
            {
                before = parsed.find("Subject");
                EXPECT_EQ(parsed.fieldValue(2), "from c by d");
            }
            if (row.move)
            {
                other = std::move(parsed);
                // A move keeps the values where they are: views of the old block's stay valid.
                if (row.readBefore)
                {
                    EXPECT_EQ(before, "one two");
                }
            }
            else
            {
                other = parsed;
                // The original is untouched by reads of its copy.
                EXPECT_EQ(other.find("Subject"), "one two");
                EXPECT_EQ(parsed.find("Subject"), "one two");
                EXPECT_EQ(parsed.getAll("Received"), (std::vector<std::string>{"from a by b", "from c by d"}));
            }
        }
        EXPECT_EQ(other.find("Subject"), "one two");
        EXPECT_EQ(other.getAll("Received"), (std::vector<std::string>{"from a by b", "from c by d"}));
        const HeaderBlock copy(other);
        EXPECT_EQ(copy.find("Received"), "from a by b");
        EXPECT_EQ(copy.fieldValue(2), "from c by d");
        EXPECT_EQ(copy.fieldValue(1), "one two");
        EXPECT_EQ(copy.fieldName(1), "Subject");
    }
}

TEST(HeaderBlock, DecodesEncodedWords)
{
    struct Row { const char* in; const char* want; };
    const Row rows[] = {
        {"=?UTF-8?Q?Automatic_reply=3A?= Nyaan", "Automatic reply: Nyaan"},
        {"=?utf-8?B?QXV0byByZXBseQ==?=", "Auto reply"},
        {"=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab"},
        {"=?broken", "=?broken"},
        {"=?ISO-2022-JP?B?GyRCPCtGMDF+RXobKEI=?=", "\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94"},   // 自動応答
        {"=?shift_jis?B?gqI=?= =?shift_jis?B?gqk=?=", "\xe3\x81\x84\xe3\x81\x8b"},   // one charset run, joined
        {"=?iso-8859-1?Q?R=E9ponse_automatique?=", "R\xc3\xa9ponse automatique"},
        {"", ""},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(decodeEncodedWords(row.in), row.want);
    }
}

TEST(HeaderBlock, ReadsContentTypeParameterValues)
{
    struct Row { const char* value; const char* param; const char* want; };
    const Row rows[] = {
        {"multipart/mixed; boundary=plain-run_1", "boundary", "plain-run_1"},
        {"multipart/mixed; boundary=\"with; semicolon\"", "boundary", "with; semicolon"},
        {"multipart/mixed; boundary=\"esc\\\"aped\\\\\"", "boundary", "esc\"aped\\"},
        {"multipart/mixed; boundary=un\\;quoted; x=y", "boundary", "un;quoted"},
        {"multipart/mixed; boundary=half\"quoted; run\"tail", "boundary", "halfquoted; runtail"},
        {"text/plain; charset=  spaced  ; format=flowed", "charset", "spaced"},
        {"text/plain; charset=\"unterminated", "charset", "unterminated"},
        {"text/plain; =nameless; charset=a", "charset", "a"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.value);
        EXPECT_EQ(parseContentType(row.value).param(row.param), row.want);
    }
}

TEST(HeaderBlock, ParsesContentType)
{
    const ContentType ct = parseContentType("Multipart/Report; report-type=delivery-status;\tboundary=\"XYZ/host\"");
    EXPECT_EQ(ct.type, "multipart/report");
    EXPECT_EQ(ct.param("boundary"), "XYZ/host");
    EXPECT_EQ(ct.param("report-type"), "delivery-status");
    EXPECT_EQ(parseContentType("").type, "");
    // A repeated parameter: the last one wins; names are case-insensitive.
    EXPECT_EQ(parseContentType("text/plain (x); CHARSET=a; charset=\"b\"").param("charset"), "b");
    EXPECT_EQ(parseContentType("text/plain (x); CHARSET=a").type, "text/plain");
    // Names of any length and case, with bytes beside A-Z that are not letters.
    const ContentType mixed = parseContentType("text/plain; Report-TYPE@[Z]=1; X-A-VERY-LONG-NAME\xc3\x89=2");
    EXPECT_EQ(mixed.param("report-type@[z]"), "1");
    EXPECT_EQ(mixed.param("x-a-very-long-name\xc3\x89"), "2");
}

TEST(HeaderBlock, FindsTheBodyAndEdgeValues)
{
    struct Row
    {
        const char* name;
        std::string text;
        std::size_t maxFieldBytes;
        const char* field;
        const char* want;
        std::size_t fields;
        std::size_t bodyAt;
    };
    const std::string atLimit = "X-L: " + std::string(8, 'v') + "\n\n";
    const Row rows[] = {
        {"last line without LF", "To: a@b.example", 1000, "To", "a@b.example", 1, 15},
        {"header without body", "To: a\nCc: b\n", 1000, "Cc", "b", 2, 12},
        {"empty value", "To:\nCc: b\n\nbody", 1000, "To", "", 2, 11},
        {"blank-only value", "To: \t \nCc: b\n\n", 1000, "To", "", 2, 14},
        {"folded last line without LF", "To: a\n b", 1000, "To", "a b", 1, 8},
        {"continuation of nothing", " x\nTo: a\n\n", 1000, "To", "a", 1, 10},
        {"blank line of blanks", "To: a\n \t \nbody", 1000, "To", "a", 1, 10},
        {"a CR line ends the header too", "To: a\n\r\nbody", 1000, "To", "a", 1, 8},
        {"value exactly at the limit", atLimit, 8, "X-L", "vvvvvvvv", 1, atLimit.size()},
        {"value one past the limit", "X-L: " + std::string(9, 'v') + "\n\n", 8, "X-L", "vvvvvvvv", 1, 16},
        {"continuation at the limit", "X-L: vvvvvvv\n w\n\n", 8, "X-L", "vvvvvvv ", 1, 17},
        {"same key, other name", "Ab-Cd: 1\nAx-Cd: 2\n\n", 1000, "AX-CD", "2", 2, 19},
        {"same key, first name", "Ab-Cd: 1\nAx-Cd: 2\n\n", 1000, "ab-cd", "1", 2, 19},
        {"one-letter name", "X: 1\nY: 2\n\n", 1000, "y", "2", 2, 11},
        {"empty text", "", 1000, "To", "", 0, 0},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        std::size_t bodyAt = 99;
        const HeaderBlock h = HeaderBlock::parse(row.text, row.maxFieldBytes, &bodyAt);
        EXPECT_EQ(h.find(row.field), row.want);
        EXPECT_EQ(h.size(), row.fields);
        EXPECT_EQ(bodyAt, row.bodyAt);
    }
}

TEST(HeaderBlock, KeepsAtMostMaxFieldsAndDropsTheirContinuations)
{
    const std::string text = "A: 1\nB: 2\n folded\nC: 3\n\nbody";
    std::size_t bodyAt = 0;
    const HeaderBlock h = HeaderBlock::parse(text, 1000, &bodyAt, 1);
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h.fieldName(0), "A");
    EXPECT_FALSE(h.has("B"));
    EXPECT_EQ(text.substr(bodyAt), "body");
}

TEST(HeaderBlock, FieldNamesEndAtTheFirstByteOutsideFtextAtAnyOffset)
{
    // Names are scanned eight bytes at a time: every byte value at every offset of the
    // first words and the tail, against the rule (printable ASCII except ':').
    for (std::size_t offset = 0; offset < 20; ++offset)
        for (int c = 0; c < 256; ++c)
        {
            SCOPED_TRACE(testing::Message() << "offset " << offset << " byte " << c);
            const std::string prefix(offset, 'a');
            const std::string name = prefix + static_cast<char>(c) + "b";
            const std::string text = name + ":v\n\n";
            const HeaderBlock h = HeaderBlock::parse(text, 1000);
            std::vector<std::string> names;
            for (std::size_t i = 0; i < h.size(); ++i)
                names.emplace_back(h.fieldName(i));
            using Names = std::vector<std::string>;
            if (c > 32 && c < 127 && c != ':')
                EXPECT_EQ(names, Names{name});
            else if (c == ':' && offset > 0)
                EXPECT_EQ(names, Names{prefix});
            else if (c == '\n' && offset > 0)
                EXPECT_EQ(names, Names{"b"});   // the line before is not a field: skipped
            else
                EXPECT_EQ(names, Names{});
        }
}

TEST(HeaderBlock, ContentTypeEndsAtABlankCommentOrQuote)
{
    struct Row { const char* value; const char* type; };
    const Row rows[] = {
        {"Text/Plain", "text/plain"},
        {"text/plain (comment)", "text/plain"},
        {"text/plain(comment)", "text/plain"},
        {"text/html\tx", "text/html"},
        {"text/plain\"quoted\"; charset=a", "text/plain"},
        {"  message/rfc822  ; x=y", "message/rfc822"},
        {"(comment) text/plain", ""},
        {";charset=a", ""},
        // Only A-Z are lower-cased, at every offset of a long type; other bytes stay.
        {"MULTIPART/ALTERNATIVE-X", "multipart/alternative-x"},
        {"Application/VND.Ms-Excel@[\\]`{Z}", "application/vnd.ms-excel@[\\]`{z}"},
        {"TEXT/PL\xc3\x89IN", "text/pl\xc3\x89in"},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.value);
        EXPECT_EQ(parseContentType(row.value).type, row.type);
    }
}

TEST(HeaderBlock, FindsLineEndsOfFieldsOfEveryLength)
{
    // Values either side of the 64 bytes searched at once for a line's end
    // (swar::findByte), some folded, in headers shorter and longer than that, with and
    // without the empty line and a body after it.
    std::mt19937 next(3);
    for (int round = 0; round < 2000; ++round)
    {
        std::string text;
        std::vector<std::pair<std::string, std::string>> fields;
        const std::size_t count = 1 + next() % 5;
        for (std::size_t f = 0; f < count; ++f)
        {
            const std::string name = "X-F" + std::to_string(f);
            std::string value(1 + next() % 150, 'v');
            for (char& c : value)
                c = static_cast<char>('a' + next() % 26);
            std::string unfolded = value;
            text += name + ": " + value + "\n";
            if (next() % 3 == 0)
            {
                const std::string more(1 + next() % 100, 'w');
                text += " " + more + "\n";
                unfolded += " " + more;
            }
            fields.emplace_back(name, unfolded);
        }
        const bool withBody = next() % 2 == 0;
        if (withBody)
            text += "\nbody line\n";
        else
            text.pop_back();   // the last field runs to the end of the text
        std::size_t bodyAt = 0;
        const HeaderBlock h = HeaderBlock::parse(text, 1000, &bodyAt);
        ASSERT_EQ(h.size(), fields.size()) << round;
        for (std::size_t f = 0; f < fields.size(); ++f)
        {
            ASSERT_EQ(h.fieldName(f), fields[f].first) << round;
            ASSERT_EQ(h.get(fields[f].first), fields[f].second) << round;
        }
        ASSERT_EQ(text.substr(bodyAt), withBody ? "body line\n" : "") << round;
    }
}

// Lookups turn most absent names away on a bit per name present: every name, present
// or not, in any case, must still be answered as a walk over the fields would.
TEST(HeaderBlock, LookupsMatchAWalkOverTheFieldsForPresentAndAbsentNames)
{
    std::mt19937 random(20261123);
    const auto randomName = [&]() {
        static const char kBytes[] = "abcdefgXYZ-_0";
        std::string name;
        const std::size_t length = 1 + random() % 24;
        for (std::size_t i = 0; i < length; ++i)
            name.push_back(kBytes[random() % (sizeof(kBytes) - 1)]);
        return name;
    };
    const auto foldedEqual = test::equalsIgnoringAsciiCase;
    for (int round = 0; round < 300; ++round)
    {
        std::string text;
        std::vector<std::string> names;
        const std::size_t fields = random() % 70;
        for (std::size_t i = 0; i < fields; ++i)
        {
            names.push_back(randomName());
            text += names.back() + ": value " + std::to_string(i) + "\n";
        }
        text += "\nbody\n";
        HeaderBlock block = HeaderBlock::parse(text, 1000);
        if (round % 3 == 0)
        {
            names.push_back(randomName());
            block.add(HeaderField{names.back(), "added"});
        }
        ASSERT_EQ(block.size(), names.size());
        std::vector<std::string> asked = names;
        for (int i = 0; i < 200; ++i)
            asked.push_back(randomName());
        for (std::string name : asked)
        {
            if (random() % 2)
                for (char& c : name)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            std::string_view expected;
            std::vector<std::string> all;
            for (std::size_t i = 0; i < block.size(); ++i)
                if (foldedEqual(block.fieldName(i), name))
                {
                    if (all.empty())
                        expected = block.fieldValue(i);
                    all.emplace_back(block.fieldValue(i));
                }
            EXPECT_EQ(block.find(name), expected) << name;
            EXPECT_EQ(block.has(name), !all.empty()) << name;
            EXPECT_EQ(block.getAll(name), all) << name;
        }
    }
}

// A line that starts with white space continues the field unless it is only white
// space, which ends the header (whatever its last byte).
TEST(HeaderBlock, TellsContinuationLinesFromBlankOnes)
{
    struct Row
    {
        std::string_view text;
        std::string_view a;   // the value of A
        std::string_view b;   // the value of B, "" when the header ended before it
        std::size_t body;
    };
    const Row rows[] = {
        {"A: 1\n \t \nB: 2\n\n", "1", "", 9},
        {"A: 1\n   x\n\t\nB: 2\n\n", "1 x", "", 12},
        {"A: 1\n x \t\nB: 2\n\nbody", "1 x", "2", 16},
        {"A: 1\n \v\nB: 2\n", "1", "", 8},
        {"A: 1\n\tx\v\nB: 2\n\n", "1 x", "2", 15},
        {"A: 1\n\v x\nB: 2\n\n", "1", "", 5},   // not a continuation: not a field either
        {"A: 1\n \r\nB: 2\n", "1", "", 8},
        {"A: 1\n\t", "1", "", 6},
        {"A: 1\n\tz", "1 z", "", 7},
    };
    for (const Row& row : rows)
    {
        std::size_t body = 0;
        const HeaderBlock block = HeaderBlock::parse(row.text, 1000, &body);
        EXPECT_EQ(block.find("A"), row.a) << row.text;
        EXPECT_EQ(block.find("B"), row.b) << row.text;
        EXPECT_EQ(body, row.body) << row.text;
    }
}

// The colon mostly follows the name; blanks before it (obsolete syntax) are looked for
// only where it does not, and a line whose name is followed by anything else is not a
// field (junk before the first, the body after).
TEST(HeaderBlock, ReadsNamesWithAndWithoutBlanksBeforeTheColon)
{
    struct Row
    {
        std::string_view line;
        std::string_view name;    // of the field the line is read as, "" for none
        std::string_view value;
    };
    const Row rows[] = {
        {"Name: v", "Name", "v"},     {"Name : v", "Name", "v"}, {"Name\t \t:v", "Name", "v"},
        {"Name:", "Name", ""},        {"Name :", "Name", ""},    {"Name x: v", "", ""},
        {": v", "", ""},              {"\x7f: v", "", ""},       {"Name", "", ""},
        {"Name  ", "", ""},           {"Name\x01: v", "", ""},   {"N\xe9: v", "", ""},
    };
    for (const Row& row : rows)
    {
        // Before the first field the line is skipped when it is none; after one it ends
        // the header.
        const std::string first = std::string(row.line) + "\nB: 2\n\n";
        const HeaderBlock skipped = HeaderBlock::parse(first, 1000);
        const std::string after = "A: 1\n" + std::string(row.line) + "\nB: 2\n\n";
        const HeaderBlock ended = HeaderBlock::parse(after, 1000);
        if (row.name.empty())
        {
            ASSERT_EQ(skipped.size(), 1u) << row.line;
            EXPECT_EQ(skipped.fieldName(0), "B");
            ASSERT_EQ(ended.size(), 1u) << row.line;
            EXPECT_EQ(ended.fieldName(0), "A");
        }
        else
        {
            ASSERT_EQ(skipped.size(), 2u) << row.line;
            EXPECT_EQ(skipped.fieldName(0), row.name);
            EXPECT_EQ(skipped.fieldValue(0), row.value);
            ASSERT_EQ(ended.size(), 3u) << row.line;
            EXPECT_EQ(ended.fieldName(1), row.name);
            EXPECT_EQ(ended.fieldValue(1), row.value);
        }
    }
}

namespace {

// HeaderBlock::parse as its header describes it, a line and a byte at a time, each
// field unfolded as it is read: the reference the fast parse is compared with.
struct ReferenceHeader
{
    std::vector<std::pair<std::string, std::string>> fields;
    std::size_t bodyAt = 0;
};

ReferenceHeader referenceParse(std::string_view text, std::size_t maxFieldBytes, std::size_t maxFields)
{
    const auto isBlank = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    const auto trimmed = [&](std::string_view s) {
        while (!s.empty() && isBlank(s.front()))
            s.remove_prefix(1);
        while (!s.empty() && isBlank(s.back()))
            s.remove_suffix(1);
        return s;
    };
    const auto inName = [](char c) { return c > 32 && c < 127 && c != ':'; };
    ReferenceHeader header;
    std::size_t pos = 0;
    bool inField = false;
    while (pos < text.size())
    {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        const std::size_t next = end < text.size() ? end + 1 : text.size();
        const std::string_view line = text.substr(pos, end - pos);
        if (trimmed(line).empty())
        {
            pos = next;
            break;
        }
        if (line[0] == ' ' || line[0] == '\t')
        {
            if (inField)
            {
                std::string& value = header.fields.back().second;
                if (value.size() < maxFieldBytes)
                {
                    if (!value.empty())
                        value += ' ';
                    value += trimmed(line).substr(0, maxFieldBytes - value.size());
                }
            }
            pos = next;
            continue;
        }
        std::size_t nameLength = 0;
        while (nameLength < line.size() && inName(line[nameLength]))
            ++nameLength;
        std::size_t colon = nameLength;
        while (colon < line.size() && (line[colon] == ' ' || line[colon] == '\t'))
            ++colon;
        if (nameLength == 0 || colon == line.size() || line[colon] != ':')
        {
            if (!header.fields.empty())
                break;
            inField = false;
            pos = next;
            continue;
        }
        inField = header.fields.size() < maxFields;
        if (inField)
            header.fields.emplace_back(std::string(line.substr(0, nameLength)),
                                       std::string(trimmed(line.substr(colon + 1)).substr(0, maxFieldBytes)));
        pos = next;
    }
    header.bodyAt = pos;
    return header;
}

} // namespace

// Names are scanned sixteen bytes at a time (reading past the line, never past the
// text) and lines found by a 64-byte window: random headers of field, folded, blank,
// junk and body lines, names and values of every length around those widths, bytes of
// every class (blanks, CR, VT, NUL, 8-bit, ':'), cut anywhere, read as the reference
// reads them: the same fields, values (unfolded in any order) and body offset.
TEST(HeaderBlock, ParsesRandomHeadersAsAByteAtATimeReferenceDoes)
{
    std::mt19937 random(7);
    const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
    const std::string nameBytes = "abcXYZ-_09!~";
    const std::string anyBytes = std::string("aZ0-:; \t\r\v\f\x7f\x80\xe9\xff=@", 17) + std::string(1, '\0');
    const auto word = [&](std::size_t length, const std::string& bytes) {
        std::string s;
        for (std::size_t i = 0; i < length; ++i)
            s.push_back(bytes[pick(bytes.size())]);
        return s;
    };
    for (int round = 0; round < 20000; ++round)
    {
        std::string text;
        const std::size_t lines = pick(12);
        for (std::size_t l = 0; l < lines; ++l)
        {
            switch (pick(10))
            {
            case 0:   // a continuation
                text += std::string(1 + pick(3), pick(2) ? ' ' : '\t') + word(pick(90), anyBytes);
                break;
            case 1:   // junk, a blank or an empty line
                text += pick(2) ? word(pick(40), anyBytes) : std::string(pick(3), ' ');
                break;
            case 2:   // blanks before the colon
                text += word(1 + pick(40), nameBytes) + std::string(pick(3), '\t') + ":" + word(pick(30), anyBytes);
                break;
            default:
                text += word(1 + pick(pick(2) ? 20 : 70), nameBytes) + (pick(8) ? ":" : "") +
                        (pick(2) ? " " : "") + word(pick(pick(2) ? 10 : 150), anyBytes);
            }
            text += '\n';
        }
        if (pick(2))
            text += "\nbody: not a field\n";
        // The text is a prefix of a longer string whose rest would read as name bytes.
        const std::string buffer = text + "Continued-Name-Bytes-Beyond-The-Text-End";
        const std::string_view cut = std::string_view(buffer).substr(0, pick(4) ? text.size() : pick(text.size() + 1));
        const std::size_t maxFieldBytes = std::vector<std::size_t>{0, 1, 7, 40, 1000}[pick(5)];
        const std::size_t maxFields = std::vector<std::size_t>{0, 1, 3, 2000}[pick(4)];
        SCOPED_TRACE(testing::Message() << "round " << round << " max " << maxFieldBytes << "/" << maxFields
                                        << " text [" << cut << "]");
        std::size_t bodyAt = 0;
        const HeaderBlock block = HeaderBlock::parse(cut, maxFieldBytes, &bodyAt, maxFields);
        const ReferenceHeader want = referenceParse(cut, maxFieldBytes, maxFields);
        ASSERT_EQ(bodyAt, want.bodyAt);
        ASSERT_EQ(block.size(), want.fields.size());
        // Folded values are unfolded when first read: read them last to first.
        for (std::size_t i = block.size(); i-- > 0;)
        {
            ASSERT_EQ(block.fieldName(i), want.fields[i].first) << i;
            ASSERT_EQ(block.fieldValue(i), want.fields[i].second) << i;
        }
    }
}

// Names are compared eight bytes at a time (four for names shorter than eight): a name
// asked for with one byte changed at any offset, to its other case or to a byte that
// differs from it by the case bit without being a letter, must be told apart exactly
// as a byte at a time would.
TEST(HeaderBlock, ComparesNamesIgnoringCaseOfLettersOnlyAtEveryLengthAndOffset)
{
    const auto foldedEqual = test::equalsIgnoringAsciiCase;
    std::mt19937 random(11);
    const std::string bytes = "aZq@`[{]}^~-_09AzM?";
    for (std::size_t length = 1; length <= 40; ++length)
        for (int round = 0; round < 40; ++round)
        {
            std::string name;
            for (std::size_t i = 0; i < length; ++i)
                name.push_back(bytes[random() % bytes.size()]);
            // Parsed (the name from the text) and added (8-bit bytes allowed there).
            const std::string text = name + ": v\n\n";   // outlives the block, which refers to it
            HeaderBlock block = HeaderBlock::parse(text, 1000);
            std::string added = name;
            added[random() % length] = static_cast<char>(0xC1 + random() % 30);
            block.add(HeaderField{added, "w"});
            ASSERT_EQ(block.size(), 2u) << name;
            for (std::size_t at = 0; at < length; ++at)
                for (const std::string& base : {name, added})
                    for (const char change : {char(0x20), char(0x01), char(0x60), char(0x80)})
                    {
                        std::string asked = base;
                        asked[at] = static_cast<char>(asked[at] ^ change);
                        std::string_view want;
                        if (foldedEqual(name, asked))
                            want = "v";
                        else if (foldedEqual(added, asked))
                            want = "w";
                        EXPECT_EQ(block.find(asked), want) << name << " asked as " << asked;
                        EXPECT_EQ(block.find(base), base == name || foldedEqual(name, added) ? "v" : "w") << name << " / " << added;
                    }
        }
}

namespace {

// parseContentType a byte at a time, as it was written before its scans were made
// sixteen bytes at a time: the reference for the randomised test below.
ContentType referenceContentType(std::string_view value)
{
    const auto isBlank = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    const auto trimRight = [&](std::string_view s) {
        while (!s.empty() && isBlank(s.back()))
            s.remove_suffix(1);
        return s;
    };
    const auto lower = [](std::string s) {
        for (char& c : s)
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c + 32);
        return s;
    };
    ContentType result;
    while (!value.empty() && isBlank(value.front()))
        value.remove_prefix(1);
    const std::string_view trimmed = trimRight(value);
    if (trimmed.empty())
        return result;
    const std::size_t semi = std::min(trimmed.find(';'), trimmed.size());
    const std::string_view type = trimRight(trimmed.substr(0, semi));
    std::size_t typeEnd = 0;
    while (typeEnd < type.size() && std::string_view(" \t(\"").find(type[typeEnd]) == std::string_view::npos)
        ++typeEnd;
    result.type = lower(std::string(type.substr(0, typeEnd)));
    const std::string_view s = trimmed;
    std::size_t i = semi == s.size() ? s.size() : semi + 1;
    while (i != s.size())
    {
        while (i != s.size() && isBlank(s[i]))
            ++i;
        const std::size_t nameStart = i;
        while (i != s.size() && s[i] != '=' && s[i] != ';')
            ++i;
        const std::string_view name = trimRight(s.substr(nameStart, i - nameStart));
        if (i != s.size() && s[i] != ';')
            ++i;
        while (i != s.size() && isBlank(s[i]))
            ++i;
        std::string paramValue;
        bool quoted = false;
        while (i != s.size() && (quoted || s[i] != ';'))
        {
            if (s[i] == '"')
                quoted = !quoted;
            else if (s[i] == '\\')
            {
                if (++i == s.size())
                    break;
                paramValue += s[i];
            }
            else
                paramValue += s[i];
            ++i;
        }
        if (!name.empty())
            result.params.emplace_back(lower(std::string(name)), std::string(trimRight(paramValue)));
        if (i != s.size())
            ++i;
    }
    return result;
}

} // namespace

// The type, and the parameters' names and values, are found sixteen bytes at a time
// (the last sixteen of the value for the rest): random values of every length, dense
// in the bytes that end a type, a name or a value (blanks, '(', quotes, backslashes,
// ';', '='), and in upper case, read as a byte at a time reads them.
TEST(HeaderBlock, ParsesRandomContentTypesAsAByteAtATimeReferenceDoes)
{
    std::mt19937 random(13);
    const std::string bytes = "aBz/-=;; \t\"\\(x\r\n9.Q";
    for (int round = 0; round < 30000; ++round)
    {
        std::string value;
        const std::size_t length = random() % (round % 2 ? 24 : 90);
        for (std::size_t i = 0; i < length; ++i)
            value.push_back(random() % 3 ? static_cast<char>('a' + random() % 26) : bytes[random() % bytes.size()]);
        if (round % 5 == 0)
            value = "Multipart/Report; boundary=\"" + value + "\"; report-type=x";
        SCOPED_TRACE(value);
        const ContentType got = parseContentType(value);
        const ContentType want = referenceContentType(value);
        ASSERT_EQ(got.type, want.type);
        ASSERT_EQ(got.params, want.params);
    }
}
