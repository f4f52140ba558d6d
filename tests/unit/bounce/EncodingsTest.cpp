// EncodingsTest: the lenient MIME decoders and the charset conversion.
#include "verpmail/bounce/Encodings.h"

#include <gtest/gtest.h>

#include <iconv.h>

#include <cerrno>
#include <cstdint>

#include <random>
#include <string>
#include <vector>

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

TEST(Encodings, ConvertsInPlaceAndAgain)
{
    // In place: text that needs nothing stays as it is; a converter is reused (cached).
    for (int round = 0; round < 2; ++round)
    {
        std::string latin = "caf\xe9";
        convertToUtf8(latin, "ISO-8859-1");
        EXPECT_EQ(latin, "caf\xc3\xa9");
        std::string plain = "plain";
        convertToUtf8(plain, "utf-8");
        EXPECT_EQ(plain, "plain");
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

TEST(Encodings, DecodesIntoABufferAsIntoAString)
{
    // The buffer is exactly as large as promised: a write past it shows under ASan.
    std::mt19937 random(5);
    const std::string alphabet = "aZ09+/=_-\n \t=3D=0D=0A=\n=4=g!\r";
    for (int round = 0; round < 5000; ++round)
    {
        std::string encoded(random() % 64, ' ');
        for (char& c : encoded)
            c = alphabet[random() % alphabet.size()];
        SCOPED_TRACE(encoded);
        std::vector<char> out(base64DecodedBound(encoded.size()));
        ASSERT_EQ(std::string(out.data(), decodeBase64Into(encoded, out.data())), decodeBase64(encoded));
        out.assign(encoded.size(), '#');
        for (const bool headerQ : {false, true})
            ASSERT_EQ(std::string(out.data(), decodeQuotedPrintableInto(encoded, out.data(), headerQ)),
                      decodeQuotedPrintable(encoded, headerQ));
    }
}

namespace {

// Base64 a digit at a time: the rule decodeBase64 keeps.
std::string base64ByDigit(std::string_view encoded)
{
    const std::string digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned int bits = 0;
    int count = 0;
    for (const char c : encoded)
    {
        if (c == '=')
        {
            bits = 0;
            count = 0;
            continue;
        }
        std::size_t v = c == '-' ? 62 : c == '_' ? 63 : digits.find(c);
        if (v == std::string::npos)
            continue;
        bits = ((bits << 6) | static_cast<unsigned int>(v)) & 0xFFFFFFu;
        count += 6;
        if (count >= 8)
        {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xFFu);
        }
    }
    return out;
}

// iconv over the whole text, a bad byte marked U+FFFD and skipped: how toUtf8
// converted every charset before single-byte ones were looked up in a table.
std::string byIconv(std::string_view text, const char* charset)
{
    const iconv_t cd = iconv_open("UTF-8", charset);
    std::string out;
    char buffer[4096];
    char* in = const_cast<char*>(text.data());
    std::size_t inLeft = text.size();
    while (inLeft > 0)
    {
        char* outPtr = buffer;
        std::size_t outLeft = sizeof buffer;
        const std::size_t rc = iconv(cd, &in, &inLeft, &outPtr, &outLeft);
        out.append(buffer, sizeof buffer - outLeft);
        if (rc != static_cast<std::size_t>(-1) || errno == E2BIG)
            continue;
        out += "\xef\xbf\xbd";
        ++in;
        --inLeft;
    }
    char* outPtr = buffer;
    std::size_t outLeft = sizeof buffer;
    iconv(cd, nullptr, nullptr, &outPtr, &outLeft);
    out.append(buffer, sizeof buffer - outLeft);
    iconv_close(cd);
    return out;
}

} // namespace

TEST(Encodings, DecodesBase64AsADigitAtATime)
{
    // Whole quanta, quanta cut by line breaks, junk and padding at every offset.
    std::mt19937 random(3);
    const std::string alphabet = "QUJDRGVmZ2g0NTY3+/-_AAAA\n\r =!";
    for (int round = 0; round < 20000; ++round)
    {
        std::string encoded(random() % 90, ' ');
        for (char& c : encoded)
            c = alphabet[random() % (round % 2 ? 20 : alphabet.size())];
        ASSERT_EQ(decodeBase64(encoded), base64ByDigit(encoded)) << encoded;
    }
}

TEST(Encodings, ConvertsSingleByteCharsetsAsIconvDoes)
{
    // Charsets looked up in a table and (1255, 1258, which combine accents) not;
    // bytes of every value, in runs of ASCII of every length.
    std::mt19937 random(9);
    for (const char* charset : {"windows-1252", "iso-8859-1", "ISO-8859-2", "iso-8859-5", "iso-8859-7", "iso-8859-8",
                                "koi8-r", "windows-1251", "cp1253", "windows-1255", "windows-1258", "windows-1250"})
    {
        SCOPED_TRACE(charset);
        for (int round = 0; round < 300; ++round)
        {
            std::string text(random() % 200, ' ');
            const unsigned highShare = random() % 4;
            for (char& c : text)
                c = static_cast<char>(random() % 4 < highShare ? 0x80 + random() % 128 : 0x20 + random() % 95);
            const std::string want = std::string_view(charset) == "iso-8859-1" ? byIconv(text, "WINDOWS-1252")
                                                                                : byIconv(text, charset);
            ASSERT_EQ(toUtf8(text, charset), want) << round;
        }
    }
}

TEST(Encodings, ConvertsIso2022JpAsIconvDoes)
{
    // ASCII around JIS X 0208 and JIS-Roman stretches, cut pairs, 8-bit bytes, missing
    // returns to ASCII, and the escapes that send the whole text to iconv (G2
    // designations, single shifts, other sets, SO and SI, a cut escape).
    const std::vector<std::string> pieces = {
        "Mail delivery failed ", "user@example.jp", "\n", "\r\n", "\t", "\x1b$B", "\x1b$@", "\x1b(B", "\x1b(J",
        "\x30\x21\x34\x56", "\x46\x7e", "\x30", "\\~", "\xa4\xa2", "\x80", "\x1b.A", "\x1bN\x41", "\x1b$A", "\x0e",
        "\x0f", "\x1b$", "\x1b", "\x1b(", std::string(1, '\0'),
    };
    std::mt19937 random(13);
    for (int round = 0; round < 20000; ++round)
    {
        std::string text;
        for (std::size_t n = random() % 12; n > 0; --n)
        {
            const std::size_t choice = random() % pieces.size();
            // Mostly the escapes of ISO-2022-JP itself: the stretches are then converted apart.
            text += pieces[round % 3 == 0 ? choice : choice % 15];
        }
        ASSERT_EQ(toUtf8(text, "iso-2022-jp"), byIconv(text, "ISO-2022-JP-2")) << round;
    }
}

TEST(Encodings, DecodesQuotedPrintableAsAByteModel)
{
    // Runs between escapes either side of the 64 bytes searched at once for the next
    // '=' (swar::findByte) and of the 16 and 64 copied at once (whole blocks, when the
    // room left allows), against the rule a byte at a time, with guard bytes after the
    // room promised (encoded.size()).
    const auto hex = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    const auto model = [&](const std::string& in, bool headerQ) {
        std::string out;
        for (std::size_t i = 0; i < in.size();)
        {
            if (headerQ && in[i] == '_')
            {
                out += ' ';
                ++i;
                continue;
            }
            if (in[i] != '=')
            {
                out += in[i++];
                continue;
            }
            std::size_t j = i + 1;
            while (j < in.size() && (in[j] == ' ' || in[j] == '\t'))
                ++j;
            if (j < in.size() && in[j] == '\n')
                i = j + 1;
            else if (i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0)
            {
                out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
                i += 3;
            }
            else
            {
                out += '=';
                ++i;
            }
        }
        return out;
    };
    // Every run length before and after an escape, up to past 64, in any order.
    for (std::size_t before = 0; before < 90; ++before)
        for (std::size_t after = 0; after < 90; ++after)
        {
            std::string encoded = std::string(before, 'a') + "=3D" + std::string(after, 'b');
            for (std::size_t k = 0; k < encoded.size(); k += 7)
                encoded[k] = static_cast<char>('c' + k % 20);
            std::string out(encoded.size() + 32, '#');
            ASSERT_EQ(out.substr(0, decodeQuotedPrintableInto(encoded, out.data(), false)), model(encoded, false))
                << encoded;
            ASSERT_EQ(out.substr(encoded.size()), std::string(32, '#')) << encoded;
        }
    std::mt19937 random(17);
    const std::vector<std::string> pieces = {"=3D", "=\n", "= \n", "=4", "=", "_", "=C3=A9", "\n", "=\t\n", "=A\n", "=20"};
    for (int round = 0; round < 10000; ++round)
    {
        std::string encoded;
        const std::size_t length = random() % (round % 2 ? 200 : 400);
        const std::uint32_t spacing = 1 + static_cast<std::uint32_t>(random() % (round % 3 ? 100 : 200));
        while (encoded.size() < length)
        {
            if (random() % spacing == 0)
                encoded += pieces[random() % pieces.size()];
            else
                encoded += static_cast<char>('a' + random() % 26);
        }
        for (const bool headerQ : {false, true})
        {
            std::string out(encoded.size() + 32, '#');
            ASSERT_EQ(out.substr(0, decodeQuotedPrintableInto(encoded, out.data(), headerQ)), model(encoded, headerQ))
                << encoded;
            ASSERT_EQ(out.substr(encoded.size()), std::string(32, '#')) << encoded;
        }
    }
}
