#include "HeaderEncoding.h"

#include "TransferEncoding.h"

#include <vector>

namespace verpmail::mime {
namespace {

constexpr std::size_t kMaxLine = 998;       // RFC 5322 2.1.1, without CRLF
constexpr std::size_t kLongWord = 900;      // leaves room for the field name on its line
constexpr std::size_t kWordBytes = 45;      // 60 base64 characters: 12 + 60 + "?=" <= 75 (RFC 2047 2)

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool isContinuationByte(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

bool needsEncoding(std::string_view word)
{
    return word.size() > kLongWord || hasEightBit(word);
}

struct Token
{
    std::string_view blanks;  // whitespace before the word (may hold folds)
    std::string_view word;
};

std::vector<Token> tokenize(std::string_view value)
{
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < value.size()) {
        const std::size_t blankStart = i;
        while (i < value.size() && isBlank(value[i]))
            ++i;
        const std::size_t wordStart = i;
        while (i < value.size() && !isBlank(value[i]))
            ++i;
        tokens.push_back({value.substr(blankStart, wordStart - blankStart), value.substr(wordStart, i - wordStart)});
    }
    return tokens;
}

// Folds lines longer than 998 octets at their last blank that still fits.
std::string foldLongLines(std::string text, std::size_t startColumn)
{
    std::size_t lineStart = 0;
    std::size_t column = startColumn;
    while (lineStart < text.size()) {
        std::size_t lineEnd = text.find("\r\n", lineStart);
        if (lineEnd == std::string::npos)
            lineEnd = text.size();
        if (column + (lineEnd - lineStart) > kMaxLine) {
            const std::size_t limit = lineStart + (kMaxLine > column ? kMaxLine - column : 0);
            std::size_t cut = limit;
            while (cut > lineStart && text[cut] != ' ' && text[cut] != '\t')
                --cut;
            if (cut > lineStart) {
                text.insert(cut, "\r\n");  // the blank after the cut starts the continuation line
                lineEnd = cut;
            }
        }
        lineStart = lineEnd + 2;
        column = 0;
    }
    return text;
}

} // namespace

std::string encodedWords(std::string_view utf8)
{
    std::string out;
    std::size_t i = 0;
    while (i < utf8.size()) {
        std::size_t n = std::min(kWordBytes, utf8.size() - i);
        // Never split a UTF-8 character: RFC 2047 6.3 wants each word decodable alone.
        while (n > 1 && i + n < utf8.size() && isContinuationByte(utf8[i + n]))
            --n;
        if (!out.empty())
            out += "\r\n ";
        out += "=?UTF-8?B?";
        out += base64(utf8.substr(i, n));
        out += "?=";
        i += n;
    }
    return out;
}

std::string encodeUnstructured(std::string_view value, std::size_t startColumn)
{
    const std::vector<Token> tokens = tokenize(value);
    std::string out;
    out.reserve(value.size() + 32);
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        out += tokens[t].blanks;
        if (!needsEncoding(tokens[t].word)) {
            out += tokens[t].word;
            continue;
        }
        std::string run(tokens[t].word);
        while (t + 1 < tokens.size() && needsEncoding(tokens[t + 1].word)) {
            ++t;
            for (const char c : tokens[t].blanks)  // unfolded: the blanks become part of the text
                if (c != '\r' && c != '\n')
                    run += c;
            run += tokens[t].word;
        }
        out += encodedWords(run);
    }
    return foldLongLines(std::move(out), startColumn);
}

} // namespace verpmail::mime
