// EncodingsTest: the lenient MIME decoders and the charset conversion.
#include "verpmail/bounce/Encodings.h"

#include <gtest/gtest.h>

#include <string>

using namespace verpmail::bounce;

TEST(Encodings, DecodesBase64Leniently)
{
    struct Row { const char* in; const char* want; };
    const Row rows[] = {
        {"aGVsbG8=", "hello"},
        {"aGVs\nbG8=\n", "hello"},
        {"aGVs!!bG8", "hello"},               // junk skipped
        {"aGk=aGk=", "hihi"},                 // encoded line by line, padding in between
        {"", ""},
        {"====", ""},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(decodeBase64(row.in), row.want);
    }
}

TEST(Encodings, DecodesQuotedPrintable)
{
    EXPECT_EQ(decodeQuotedPrintable("soft=\nbreak =3D"), "softbreak =");
    EXPECT_EQ(decodeQuotedPrintable("trailing=  \nblanks"), "trailingblanks");
    EXPECT_EQ(decodeQuotedPrintable("bad =ZZ and ="), "bad =ZZ and =");
    EXPECT_EQ(decodeQuotedPrintable("a_b=5F", true), "a b_");
    EXPECT_EQ(decodeQuotedPrintable("a_b", false), "a_b");
}

TEST(Encodings, ConvertsToUtf8)
{
    struct Row { const char* in; const char* charset; const char* want; };
    const Row rows[] = {
        {"caf\xe9", "iso-8859-1", "caf\xc3\xa9"},
        {"\x93quoted\x94", "windows-1252", "\xe2\x80\x9cquoted\xe2\x80\x9d"},
        {"\x1b$B$3$s$K$A$O\x1b(B", "ISO-2022-JP", "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf"},
        {"\x1b$B$3$s\x1b(B", "", "\xe3\x81\x93\xe3\x82\x93"},           // undeclared, recognised by its escapes
        {"\x82\xb1\x82\xf1", "shift_jis", "\xe3\x81\x93\xe3\x82\x93"},
        {"plain", "utf-8", "plain"},
        {"plain", "no-such-charset", "plain"},
        {"x\xffy", "us-ascii", "x\xffy"},                                  // not converted, not lost
        {"a\x82", "shift_jis", "a\xef\xbf\xbd"},                           // cut sequence -> U+FFFD
        // 7-bit text in an ASCII superset is taken as it is, long or short.
        {"Delivery to the following recipients failed.", "iso-8859-1", "Delivery to the following recipients failed."},
        {"plain", "windows-1252", "plain"},
        {"User unknown\n", "iso-2022-jp", "User unknown\n"},
        {"long enough for a word and then caf\xe9", "iso-8859-1", "long enough for a word and then caf\xc3\xa9"},
        {"\x1b(Bshifted to ASCII", "iso-2022-jp", "shifted to ASCII"},   // an escape is still read by iconv
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.charset);
        EXPECT_EQ(toUtf8(row.in, row.charset), row.want);
    }
}

TEST(Encodings, ConvertsOnlyWhatNeedsIt)
{
    // Text that needs nothing is not converted (out untouched); a charset is opened again.
    for (int round = 0; round < 2; ++round)
    {
        std::string out = "untouched";
        EXPECT_FALSE(convertToUtf8("plain", "utf-8", out));
        EXPECT_EQ(out, "untouched");
        EXPECT_TRUE(convertToUtf8("caf\xe9", "ISO-8859-1", out));
        EXPECT_EQ(out, "caf\xc3\xa9");
    }
}

TEST(Encodings, MarksEightBitBytesInIso2022)
{
    // ISO-2022-JP is 7-bit: each 8-bit byte is U+FFFD, before and after a shift.
    EXPECT_EQ(toUtf8("a\x82\xb1" "b", "ISO-2022-JP"), "a\xef\xbf\xbd\xef\xbf\xbd" "b");
    EXPECT_EQ(toUtf8("\x1b$B$3\xa4$s\x1b(B", "iso-2022-jp"),
              "\xe3\x81\x93\xef\xbf\xbd\xe3\x82\x93");
}

TEST(Encodings, DecodesQuotedPrintableEdges)
{
    struct Row { const char* in; bool headerQ; const char* want; };
    const Row rows[] = {
        {"", false, ""},
        {"=", false, "="},
        {"end=\n", false, "end"},
        {"=4", false, "=4"},
        {"=e9=E9", false, "\xe9\xe9"},
        {"=  ", false, "=  "},          // blanks without a line break: not a soft break
        {"a=\t \nb", false, "ab"},
        {"=3D=3d", false, "=="},
        {"=G1", false, "=G1"},
        {"_=5F_", true, " _ "},
    };
    for (const auto& row : rows)
    {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(decodeQuotedPrintable(row.in, row.headerQ), row.want);
    }
}

