// MimeReaderTest: structure, transfer decodings and the limits.
#include "verpmail/bounce/MimeReader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace verpmail::bounce;

namespace {

const char* const kReport = "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
                            "\n"
                            "preamble\n"
                            "--B\n"
                            "Content-Type: text/plain\n"
                            "Content-Transfer-Encoding: quoted-printable\n"
                            "\n"
                            "soft=\nbreak =3D\n"
                            "--B\n"
                            "Content-Type: message/delivery-status\n"
                            "\n"
                            "Final-Recipient: rfc822; a@b.example\n"
                            "--B\n"
                            "Content-Type: text/plain\n"
                            "Content-Transfer-Encoding: base64\n"
                            "\n"
                            "aGVsbG8=\n"
                            "--B--\n";

} // namespace

TEST(MimeReader, SplitsAndDecodesParts)
{
    const MimeMessage m = readMime(kReport, verpmail::ParseLimits{});
    ASSERT_EQ(m.parts.size(), 4u);
    EXPECT_TRUE(m.parts[0].multipart);
    EXPECT_EQ(m.parts[1].body(), "softbreak =");
    EXPECT_EQ(m.parts[2].contentType.type, "message/delivery-status");
    EXPECT_EQ(m.parts[3].body(), "hello");
    EXPECT_EQ(m.problem, "");
}

TEST(MimeReader, TakesOnlyWholeDelimiterLinesAsBoundaries)
{
    // What splits: "--B" at the start of a line, followed by nothing (or blanks) or
    // by "--". The same letters elsewhere are text of the part.
    struct Row { const char* body; std::vector<std::string> parts; };
    const Row rows[] = {
        {"--B\n\none\n--B\n\ntwo\n--B--\n", {"one", "two"}},
        {"--B\n\none --B\n--B--\n", {"one --B"}},                 // not at a line start
        {"--B\n\none\n--Bx\n--B--\n", {"one\n--Bx"}},             // a longer token
        {"--B\n\none\n--B \t\n\ntwo\n--B -- \n", {"one", "two"}}, // blanks after it
        {"--B\n\none\n--B--\nepilogue\n--B\n\nnot a part\n", {"one"}},
        {"--B\n\nno closing line", {"no closing line"}},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.body);
        const std::string text = std::string("Content-Type: multipart/mixed; boundary=B\n\n") + row.body;
        const MimeMessage m = readMime(text, verpmail::ParseLimits{});
        ASSERT_EQ(m.parts.size(), row.parts.size() + 1);
        for (std::size_t i = 0; i < row.parts.size(); ++i)
            EXPECT_EQ(m.parts[i + 1].body(), row.parts[i]);
    }
}

TEST(MimeReader, RespectsPartLimit)
{
    verpmail::ParseLimits limits;
    limits.maxParts = 2;
    const MimeMessage m = readMime(kReport, limits);
    EXPECT_EQ(m.parts.size(), 2u);
    EXPECT_NE(m.problem, "");
}

TEST(MimeReader, RespectsDepthLimit)
{
    std::string nested;
    for (int i = 0; i < 20; ++i)
        nested += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\n\n--b" + std::to_string(i) + "\n";
    verpmail::ParseLimits limits;
    limits.maxMimeDepth = 3;
    const MimeMessage m = readMime(nested, limits);
    EXPECT_LE(m.parts.size(), 5u);
    EXPECT_NE(m.problem, "");
}

TEST(MimeReader, ToleratesMissingClosingBoundaryAndBrokenBase64)
{
    const char* text = "Content-Type: multipart/mixed; boundary=X\n\n--X\n"
                       "Content-Transfer-Encoding: base64\n\naGVs!!bG8\n";
    const MimeMessage m = readMime(text, verpmail::ParseLimits{});
    ASSERT_EQ(m.parts.size(), 2u);
    EXPECT_EQ(m.parts[1].body(), "hello");
}

TEST(MimeReader, DecodesTransferEncodings)
{
    const auto body = [](const std::string& encoding, const std::string& encoded) {
        const MimeMessage m = readMime("Content-Transfer-Encoding: " + encoding + "\n\n" + encoded, {});
        return m.parts.size() == 1 ? std::string(m.parts[0].body()) : "?";
    };
    EXPECT_EQ(body("BASE64", "aGVsbG8="), "hello");
    EXPECT_EQ(body(" quoted-printable ", "a=3Db"), "a=b");
    EXPECT_EQ(body("quoted-printable", "a=zz"), "a=zz");
    EXPECT_EQ(body("7bit", "plain"), "plain");
    // Decoded CRLFs become LF; text that is not encoded is left as it is.
    EXPECT_EQ(body("base64", "YQ0KYg1j"), "a\nb\nc");
    EXPECT_EQ(body("7bit", "a\r\nb"), "a\r\nb");
}

TEST(MimeReader, LeavesUnwantedBodiesEncoded)
{
    const auto textOnly = [](const ContentType& type) { return type.type.empty() || type.type == "text/plain"; };
    const char* text = "Content-Type: multipart/mixed; boundary=X\n\n--X\n"
                       "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--X\n"
                       "Content-Type: image/png\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--X--\n";
    const MimeMessage m = readMime(text, verpmail::ParseLimits{}, textOnly);
    ASSERT_EQ(m.parts.size(), 3u);
    EXPECT_EQ(m.parts[1].body(), "hello");
    EXPECT_EQ(m.parts[2].body(), "");
    EXPECT_EQ(m.parts[2].contentType.type, "image/png");
}

TEST(MimeReader, FindsDelimitersByAnyOfTheirBytes)
{
    // The delimiter is searched for by its rarest byte; matches of that byte elsewhere,
    // a boundary of one byte and one at the very end (no line break) must not matter.
    struct Row { const char* boundary; std::string body; std::vector<std::string> parts; };
    const Row rows[] = {
        {"=_Part_1/x", "--=_Part_1/x\n\na_b /x --=_Part_1/\n--=_Part_1/x\n\ntwo\n--=_Part_1/x--", {"a_b /x --=_Part_1/", "two"}},
        {"Z", "Z\n--Z\n\nZZ --Z\n--Z--\n", {"ZZ --Z"}},
        {"__", "--__\n\n_\n--_\n--__--", {"_\n--_"}},
        {"a\xff", "--a\xff\n\n\xff\n--a\xff--\n", {"\xff"}},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.boundary);
        const std::string text =
            std::string("Content-Type: multipart/mixed; boundary=\"") + row.boundary + "\"\n\n" + row.body;
        const MimeMessage m = readMime(text, verpmail::ParseLimits{});
        ASSERT_EQ(m.parts.size(), row.parts.size() + 1);
        EXPECT_TRUE(m.parts[0].multipart);
        for (std::size_t i = 0; i < row.parts.size(); ++i)
            EXPECT_EQ(m.parts[i + 1].body(), row.parts[i]);
    }
}

TEST(MimeReader, GuessesABoundaryThatIsMissingOrNeverUsed)
{
    struct Row { const char* name; const char* contentType; const char* body; std::size_t parts; bool multipart; };
    const Row rows[] = {
        {"no parameter", "multipart/mixed", "pre\n--G\n\none\n--G--\n", 2, true},
        {"declared, never used", "multipart/mixed; boundary=X", "--G\n\none\n--G\n\ntwo\n", 3, true},
        {"declared, used mid-line only", "multipart/mixed; boundary=X", "a --X\n--G\n\none\n", 1, false},
        {"no delimiter at all", "multipart/mixed; boundary=X", "plain text\n", 1, false},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        const std::string text = std::string("Subject: s\nContent-Type: ") + row.contentType + "\n\n" + row.body;
        const MimeMessage m = readMime(text, verpmail::ParseLimits{});
        ASSERT_EQ(m.parts.size(), row.parts);
        EXPECT_EQ(m.parts[0].multipart, row.multipart);
        // The top-level header is the message's.
        EXPECT_EQ(m.headers.find("Subject"), "s");
    }
}

TEST(MimeReader, BodiesNeedingNoDecodingAreViewsOfTheText)
{
    struct Row { const char* name; const char* header; const char* body; const char* expected; bool view; };
    const Row rows[] = {
        {"7bit ASCII", "Content-Transfer-Encoding: 7bit\n", "plain\n", "plain\n", true},
        {"no encoding, UTF-8", "Content-Type: text/plain; charset=utf-8\n", "caf\xc3\xa9\n", "caf\xc3\xa9\n", true},
        {"Latin-1 label, ASCII text", "Content-Type: text/plain; charset=iso-8859-1\n", "ascii\n", "ascii\n", true},
        {"Latin-1, converted", "Content-Type: text/plain; charset=iso-8859-1\n", "caf\xe9", "caf\xc3\xa9", false},
        {"8bit, not text: not converted", "Content-Type: application/octet-stream; charset=iso-8859-1\n", "\xe9",
         "\xe9", true},
        {"quoted-printable, short", "Content-Transfer-Encoding: quoted-printable\n", "a=3Db", "a=b", false},
        {"base64 then Latin-1", "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: base64\n",
         "6Q==", "\xc3\xa9", false},
        {"unknown encoding: as is", "Content-Transfer-Encoding: x-uuencode\n", "begin 644\n", "begin 644\n", true},
        {"base64 of CRLF text: LF", "Content-Transfer-Encoding: base64\n", "bGluZSBvbmUNCmxpbmUgdHdvDWVuZA0K", "line one\nline two\nend\n", false},
        {"quoted-printable CRLF: LF", "Content-Transfer-Encoding: quoted-printable\n", "a=0D=0Ab=0Dc=\n=0D",
         "a\nb\nc\n", false},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.name);
        const std::string text = std::string("Content-Type: multipart/mixed; boundary=B\n\npre\n--B\n") + row.header +
                                 "\n" + row.body + "\n--B--\n";
        MimeMessage m = readMime(text, verpmail::ParseLimits{});
        ASSERT_EQ(m.parts.size(), 2u);
        EXPECT_EQ(m.parts[0].body(), "pre");
        // A decoded body belongs to its part: it outlives moves (a short one is stored inline).
        const MimeMessage moved = std::move(m);
        const MimePart copy = moved.parts[1];
        for (const MimePart* part : {&moved.parts[1], &copy})
        {
            EXPECT_EQ(part->body(), row.expected);
            const bool inText = part->body().data() >= text.data() && part->body().data() < text.data() + text.size();
            EXPECT_EQ(inText, row.view);
        }
    }
}

// Parts are built in their place in the list: a nesting with more parts than the list
// has room for at first (so it moves while a multipart's children are read) keeps
// every part's header, type, depth and body, parents before their children.
TEST(MimeReader, KeepsEveryPartInOrderWhenTheListGrows)
{
    std::string text = "Subject: many\nContent-Type: multipart/mixed; boundary=\"outer\"\n\npreamble\n"
                       "--outer\nContent-Type: text/plain\n\na\n"
                       "--outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
                       "--inner\nContent-Type: text/plain\n\nb\n--inner\nContent-Type: text/html\n\nc\n--inner--\n";
    for (int i = 0; i < 10; ++i)
        text += "--outer\nContent-Type: text/plain\nX-Index: " + std::to_string(i) + "\n\nd" + std::to_string(i) + "\n";
    text += "--outer--\n";
    const MimeMessage m = readMime(text, verpmail::ParseLimits{});
    struct Expected
    {
        std::string type;
        int depth;
        std::string body;
    };
    std::vector<Expected> expected = {{"multipart/mixed", 0, "preamble"},
                                      {"text/plain", 1, "a"},
                                      {"multipart/alternative", 1, ""},
                                      {"text/plain", 2, "b"},
                                      {"text/html", 2, "c"}};
    for (int i = 0; i < 10; ++i)
        expected.push_back({"text/plain", 1, "d" + std::to_string(i)});
    ASSERT_EQ(m.parts.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
    {
        EXPECT_EQ(m.parts[i].contentType.type, expected[i].type) << i;
        EXPECT_EQ(m.parts[i].depth, expected[i].depth) << i;
        EXPECT_EQ(m.parts[i].body(), expected[i].body) << i;
        if (i >= 5)
        {
            EXPECT_EQ(m.parts[i].headers.find("X-Index"), std::to_string(i - 5)) << i;
        }
    }
    EXPECT_EQ(m.headers.find("Subject"), "many");
}

// A part is a multipart when its type starts with "multipart/" and text (its charset
// converted to UTF-8) when it has none or one starting with "text/": prefixes of every
// length around those.
TEST(MimeReader, TellsMultipartAndTextTypesByTheirPrefix)
{
    struct Row
    {
        const char* type;
        bool multipart;
        bool text;
    };
    const Row rows[] = {
        {"multipart/mixed", true, false}, {"Multipart/Mixed", true, false}, {"multipart/", true, false},
        {"multipart", false, false},      {"multipartx/mixed", false, false}, {"multi", false, false},
        {"text/plain", false, true},      {"TEXT/HTML", false, true},        {"text/", false, true},
        {"text", false, false},           {"texts/plain", false, false},     {"tex", false, false},
        {"", false, true},                {"application/octet-stream", false, false},
    };
    for (const Row& row : rows)
    {
        SCOPED_TRACE(row.type);
        const std::string text = std::string("Content-Type: ") + row.type +
                                 "; charset=iso-8859-1; boundary=B\n\n--B\n\ncaf\xe9\n--B--\n";
        const MimeMessage m = readMime(text, verpmail::ParseLimits{});
        ASSERT_FALSE(m.parts.empty());
        EXPECT_EQ(m.parts[0].multipart, row.multipart);
        if (!row.multipart)
        {
            EXPECT_EQ(m.parts[0].body(), row.text ? "--B\n\ncaf\xc3\xa9\n--B--\n" : "--B\n\ncaf\xe9\n--B--\n");
        }
    }
}
