// Utf8mb4 against the real server: for a large generated set of byte strings, the
// server's strict-mode utf8mb4 column takes a string exactly when toUtf8mb4() leaves it unchanged
// so, and always takes what toUtf8mb4() makes of it, unchanged.
#include "DatabaseFixture.h"

#include "verpmail/db/MysqlError.h"
#include "verpmail/util/Utf8mb4.h"

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <random>
#include <vector>

namespace verpmail {
namespace {

class Utf8mb4ServerTest : public DatabaseFixture
{
protected:
    void SetUp() override
    {
        DatabaseFixture::SetUp();
        // MEMORY: the samples number thousands and nothing here needs to last.
        db().execute("CREATE TEMPORARY TABLE utf8_probe (v VARCHAR(64) CHARACTER SET utf8mb4"
                     " COLLATE utf8mb4_general_ci NOT NULL) ENGINE=MEMORY");
        db().execute("CREATE TEMPORARY TABLE utf8_clean (id INT NOT NULL PRIMARY KEY, v VARCHAR(64) CHARACTER SET"
                     " utf8mb4 COLLATE utf8mb4_general_ci NOT NULL) ENGINE=MEMORY");
    }

    // Whether the server stores `bytes` as they are (strict mode: a refused string
    // is an error, never a silent change).
    bool serverTakes(const std::string& bytes)
    {
        if (!_probe)
            _probe = std::make_unique<MysqlStatement>(db().prepare("INSERT INTO utf8_probe (v) VALUES (?)"));
        try {
            _probe->execute({bytes});
        } catch (const MysqlError& e) {
            EXPECT_TRUE(e.isDataError()) << e.what();
            _probe.reset();
            return false;
        }
        return true;
    }

    // Each sample as it is must be taken exactly when toUtf8mb4 leaves it unchanged; then all
    // cleaned samples are inserted (strict mode, many rows a statement: one
    // refused value fails the test) and read back unchanged. Returns how many
    // samples the server refused as they came.
    int check(const std::vector<std::string>& samples)
    {
        int refused = 0;
        for (const std::string& bytes : samples) {
            const bool server = serverTakes(bytes);
            EXPECT_EQ(server, toUtf8mb4(bytes) == bytes) << "bytes: " << hex(bytes);
            refused += server ? 0 : 1;
        }
        db().execute("DELETE FROM utf8_clean");
        constexpr std::size_t kRows = 250;
        for (std::size_t first = 0; first < samples.size(); first += kRows) {
            std::string sql = "INSERT INTO utf8_clean (id, v) VALUES ";
            std::vector<SqlValue> params;
            for (std::size_t i = first; i < std::min(samples.size(), first + kRows); ++i) {
                sql += i == first ? "(?, ?)" : ", (?, ?)";
                params.emplace_back(static_cast<std::int64_t>(i));
                params.emplace_back(toUtf8mb4(samples[i]));
            }
            db().prepare(sql).execute(params);  // throws, failing the test, if one is refused
        }
        MysqlStatement back = db().prepare("SELECT id, v FROM utf8_clean ORDER BY id");
        back.execute();
        std::size_t rows = 0;
        while (back.fetch()) {
            const auto i = static_cast<std::size_t>(back.integer(0));
            EXPECT_EQ(back.text(1), toUtf8mb4(samples.at(i))) << hex(samples[i]);
            ++rows;
        }
        EXPECT_EQ(rows, samples.size());
        return refused;
    }

    static std::string hex(const std::string& bytes)
    {
        static const char* digits = "0123456789ABCDEF";
        std::string out;
        for (const char c : bytes) {
            const auto b = static_cast<unsigned char>(c);
            out += digits[b >> 4];
            out += digits[b & 15];
            out += ' ';
        }
        return out;
    }

    std::unique_ptr<MysqlStatement> _probe;
};

// Bytes where the rules change: ASCII, the ends of the continuation range and of
// its parts that lead bytes narrow it to, and lead bytes.
const unsigned char kEdges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF4, 0xFF};

std::string bytes(std::initializer_list<int> values)
{
    std::string out;
    for (const int v : values)
        out += static_cast<char>(v);
    return out;
}

TEST_F(Utf8mb4ServerTest, EveryShortPrefixInTheInterestingRanges)
{
    std::vector<std::string> samples;
    for (int a = 0; a < 256; ++a)
        samples.push_back(bytes({a}));
    for (int a = 0x80; a < 256; ++a)
        for (const unsigned char b : kEdges)
            samples.push_back(bytes({a, b}));
    for (int a = 0xC0; a < 256; a += a < 0xDE ? 3 : 1)  // every three-byte and four-byte lead, some two-byte ones
        for (const unsigned char b : kEdges)
            for (const unsigned char c : kEdges)
                samples.push_back(bytes({a, b, c}));
    for (int a = 0xE0; a < 256; ++a)
        for (const unsigned char b : kEdges)
            for (const int c : {0x7F, 0x80, 0xBF, 0xC0})
                for (const int d : {0x41, 0x80, 0xBF, 0xC0})
                    samples.push_back(bytes({a, b, c, d}));
    // Every second byte after the leads whose ranges are narrowest, and the ends of
    // the two-byte leads, completed and cut short.
    for (const int a : {0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4})
        for (int b = 0; b < 256; ++b) {
            samples.push_back(bytes({a, b, 0x80, 0x80}));
            samples.push_back(bytes({a, b}));
        }
    const int refused = check(samples);
    EXPECT_GT(refused, static_cast<int>(samples.size()) / 2)
        << "the raw invalid samples must fail, or the test proves nothing";
}

TEST_F(Utf8mb4ServerTest, TheQuestionsOfTheRule)
{
    // Encoded surrogates, noncharacters, U+0000 and the last code point pass;
    // overlong forms and code points past U+10FFFF do not.
    EXPECT_TRUE(serverTakes("\xED\xA0\x80"));
    EXPECT_TRUE(serverTakes("\xED\xBF\xBF"));
    EXPECT_TRUE(serverTakes("\xEF\xBF\xBE"));
    EXPECT_TRUE(serverTakes(std::string("\0", 1)));
    EXPECT_TRUE(serverTakes("\xF4\x8F\xBF\xBF"));
    EXPECT_FALSE(serverTakes("\xF4\x90\x80\x80"));
    EXPECT_FALSE(serverTakes("\xC0\x80"));
    EXPECT_FALSE(serverTakes("\xE0\x9F\xBF"));
    EXPECT_FALSE(serverTakes("\xF0\x8F\xBF\xBF"));
    EXPECT_FALSE(serverTakes("\xF5\x80\x80\x80"));
}

TEST_F(Utf8mb4ServerTest, RandomStrings)
{
    std::mt19937 random(7);
    std::vector<std::string> samples;
    for (int i = 0; i < 3000; ++i) {
        std::string text(1 + random() % 20, '\0');
        for (char& b : text)
            b = static_cast<char>(random() % 3 == 0 ? random() % 128 : 0x80 + random() % 128);
        samples.push_back(text);
    }
    EXPECT_GT(check(samples), 1000);
}

} // namespace
} // namespace verpmail
