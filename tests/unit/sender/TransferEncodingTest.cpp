// Encoders against hand-written expectations (checked with Python's email.quoprimime
// and base64 modules, not with the code under test).
#include "HeaderEncoding.h"
#include "TransferEncoding.h"

#include "verpmail/util/Html.h"

#include <gtest/gtest.h>

namespace verpmail::mime {
namespace {

std::string qp(std::string_view text)
{
    std::string out;
    appendQuotedPrintable(out, text);
    return out;
}

std::string base64Lines(std::string_view bytes)
{
    std::string out;
    appendBase64Lines(out, bytes);
    return out;
}

TEST(TransferEncoding, QuotedPrintable)
{
    struct Row
    {
        std::string in;
        std::string want;
    };
    const std::string x75(75, 'x');
    const Row rows[] = {
        {"", ""},
        {"plain text", "plain text"},
        {"a=b", "a=3Db"},
        {"tab\there", "tab\there"},
        {"trailing space ", "trailing space=20"},
        {"trailing tab\t\r\nnext", "trailing tab=09\r\nnext"},
        {"lf only\nnext\n", "lf only\r\nnext\r\n"},
        {"lone\rcr", "lone=0Dcr"},
        {"Zo\xC3\xAB", "Zo=C3=AB"},
        {"\x01\x7f", "=01=7F"},
        // 76 characters fit when the line ends there; 77 need a soft break after 75.
        {x75 + "y", x75 + "y"},
        {x75 + "yz", x75 + "=\r\nyz"},
        // An escape that would pass column 75 moves whole to the next line.
        {std::string(73, 'x') + "=", std::string(73, 'x') + "=3D"},
        {std::string(73, 'x') + "=b", std::string(73, 'x') + "=\r\n=3Db"},
        // A blank before a soft break is fine (the '=' follows it); at a hard break it is not.
        {std::string(74, 'x') + " yz", std::string(74, 'x') + " =\r\nyz"},
        {"line \r\n", "line=20\r\n"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(qp(row.in), row.want);
        // Decoding gives the text back, with CRLF for every line break.
        std::string crlf;
        for (std::size_t i = 0; i < row.in.size(); ++i) {
            if (row.in[i] == '\n' && (i == 0 || row.in[i - 1] != '\r'))
                crlf += '\r';
            crlf += row.in[i];
        }
        EXPECT_EQ(decodeQuotedPrintable(row.want), crlf);
    }
}

TEST(TransferEncoding, DecodesQuotedPrintable)
{
    struct Row
    {
        const char* in;
        const char* want;
    };
    const Row rows[] = {
        {"a=3Db", "a=b"},
        {"soft=\r\nbreak", "softbreak"},
        {"blanks after=  \r\nthe soft break", "blanks afterthe soft break"},
        {"padded   \r\nline", "padded\r\nline"},
        {"lower =c3=ab", "lower \xC3\xAB"},
        {"bad =G1 and =4", "bad =G1 and =4"},
        {"last line ends soft=", "last line ends soft"},
        {"lf\nonly", "lf\r\nonly"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(decodeQuotedPrintable(row.in), row.want);
    }
}

TEST(TransferEncoding, Base64Lines)
{
    std::string bytes;
    for (int i = 0; i < 100; ++i)
        bytes += static_cast<char>(i);
    // python3 -c 'import base64; print(base64.encodebytes(bytes(range(100))))'
    EXPECT_EQ(base64Lines(bytes),
              "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\r\n"
              "OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiYw==");
    EXPECT_EQ(base64Lines(bytes.substr(0, 57)).size(), 76u);  // 57 bytes fill one line exactly
    EXPECT_EQ(base64Lines(bytes.substr(0, 58)).find("\r\n"), 76u);
    EXPECT_EQ(base64Lines(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
}

TEST(TransferEncoding, DecodesBase64)
{
    struct Row
    {
        const char* in;
        std::optional<std::string> want;
    };
    const Row rows[] = {
        {"Zm9v", std::string("foo")},
        {"Zm9v\r\nYmFy", std::string("foobar")},
        {"Zg==", std::string("f")},
        {"Zm8=\r\n", std::string("fo")},
        {"", std::string()},
        {"Zm9v!", std::nullopt},        // outside the alphabet
        {"Z", std::nullopt},            // six bits make no byte
        {"Zg==Zm9v", std::nullopt},     // data after the padding
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(decodeBase64(row.in), row.want);
    }
}

TEST(TransferEncoding, EscapesHtmlAndMeasuresLines)
{
    std::string out;
    verpmail::appendHtmlEscaped(out, "a&b <c> \"d\" 'e' Zo\xC3\xAB");
    EXPECT_EQ(out, "a&amp;b &lt;c&gt; &quot;d&quot; &#39;e&#39; Zo\xC3\xAB");
    EXPECT_TRUE(hasEightBit("Zo\xC3\xAB"));
    EXPECT_FALSE(hasEightBit("Zoe"));
    EXPECT_EQ(longestLine("ab\r\nabcd\r\nabc"), 4u);
    EXPECT_EQ(longestLine(""), 0u);
}

TEST(HeaderEncoding, EncodedWords)
{
    // python3: base64.b64encode("Zoë".encode())
    EXPECT_EQ(encodedWords("Zo\xC3\xAB"), "=?UTF-8?B?Wm/Dqw==?=");
    EXPECT_EQ(encodedWords(""), "");
    // 44 ASCII bytes then "ë": the word stops before the two-byte character.
    const std::string text = std::string(44, 'a') + "\xC3\xAB";
    const std::string got = encodedWords(text);
    EXPECT_EQ(got, "=?UTF-8?B?" + base64(std::string(44, 'a')) + "?=\r\n =?UTF-8?B?w6s=?=");
    for (std::size_t start = 0, end; start < got.size(); start = end + 3) {
        end = got.find("\r\n ", start);
        if (end == std::string::npos)
            end = got.size();
        EXPECT_LE(end - start, 75u);
    }
}

TEST(HeaderEncoding, EncodesUnstructuredValues)
{
    struct Row
    {
        const char* in;
        const char* want;
    };
    const Row rows[] = {
        {" Hello world", " Hello world"},
        // python3: base64.b64encode("Zoë!".encode())
        {" Hello Zo\xC3\xAB!", " Hello =?UTF-8?B?Wm/DqyE=?="},
        // Adjacent 8-bit words form one encoded-word; the blank between them goes inside.
        {" Zo\xC3\xAB \xC3\x98 ok", " =?UTF-8?B?Wm/DqyDDmA==?= ok"},
        {" folded\r\n Zo\xC3\xAB", " folded\r\n =?UTF-8?B?Wm/Dqw==?="},
        {"", ""},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.in);
        EXPECT_EQ(encodeUnstructured(row.in, 8), row.want);
    }
}

TEST(HeaderEncoding, FoldsLinesLongerThan998)
{
    std::string value;
    for (int i = 0; i < 300; ++i)
        value += " word";
    const std::string got = encodeUnstructured(value, 8);
    EXPECT_NE(got.find("\r\n "), std::string::npos);
    std::size_t column = 8;
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (got.compare(i, 2, "\r\n") == 0) {
            EXPECT_LE(column, 998u);
            column = 0;
            ++i;
        } else {
            ++column;
        }
    }
    EXPECT_LE(column, 998u);
    std::string unfolded = got;
    for (std::size_t at; (at = unfolded.find("\r\n")) != std::string::npos;)
        unfolded.erase(at, 2);
    EXPECT_EQ(unfolded, value);
    // A single word longer than a line becomes a chain of encoded-words.
    const std::string huge = encodeUnstructured(" " + std::string(2000, 'x'), 8);
    EXPECT_EQ(huge.rfind(" =?UTF-8?B?", 0), 0u);
    EXPECT_EQ(huge.find("xxxx"), std::string::npos);
}

} // namespace
} // namespace verpmail::mime
