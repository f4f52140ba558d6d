// HeaderBlockTest: unfolding, lookup and the broken headers real returns carry.
#include "verpmail/bounce/HeaderBlock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
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
    EXPECT_EQ(h.find("Subject"), "Undelivered Mail");
    EXPECT_EQ(h.find("Content-Type"), "text/plain");
    EXPECT_EQ(h.find("Missing"), "");
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
    EXPECT_EQ(h.find("X-Long").size(), 10u);
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

TEST(HeaderBlock, CopiesStayValid)
{
    const std::string text = "Subject: folded\n value\nFrom: f@example.org\n\n";
    HeaderBlock copy;
    {
        const HeaderBlock parsed = HeaderBlock::parse(text, 1000);
        copy = parsed;
    }
    EXPECT_EQ(copy.find("Subject"), "folded value");
    EXPECT_EQ(copy.find("From"), "f@example.org");
    EXPECT_EQ(copy.fieldName(1), "From");
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

