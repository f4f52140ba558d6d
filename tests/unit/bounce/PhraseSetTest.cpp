// PhraseSetTest: the one-pass phrase search gives the answers of one search per phrase.
#include "verpmail/bounce/PhraseSet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>

using namespace verpmail::bounce;

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
        return static_cast<char>(c < 128 ? std::tolower(c) : c);
    });
    return s;
}

} // namespace

TEST(PhraseSet, FindsEarliestLowestAndAny)
{
    const PhraseSet set({"user unknown", "unknown", "mailbox full", "rbl"});
    const auto earliest = set.findEarliest("550 5.1.1 <a@b>: User Unknown; not in RBL");
    ASSERT_TRUE(earliest);
    EXPECT_EQ(earliest.index, 0u);
    EXPECT_EQ(earliest.pos, 17u);
    const auto lowest = set.findLowestIndex("listed in rbl, mailbox full, unknown");
    ASSERT_TRUE(lowest);
    EXPECT_EQ(lowest.index, 1u);
    EXPECT_EQ(lowest.pos, 29u);
    EXPECT_FALSE(set.findAny("delivered"));
    EXPECT_FALSE(set.findAny(""));
    EXPECT_TRUE(set.findAny("RBL"));
    EXPECT_TRUE(set.matchesAt("x MAILBOX FULL", 2, 2));
    EXPECT_FALSE(set.matchesAt("x MAILBOX FUL", 2, 2));
}

TEST(PhraseSet, ReportsEveryOccurrenceInOrder)
{
    const PhraseSet set({"aa", "aaa"});
    std::vector<std::pair<std::size_t, std::size_t>> seen;
    set.forEach("aaaa", [&](std::size_t pos, std::size_t index) {
        seen.emplace_back(pos, index);
        return true;
    });
    const std::vector<std::pair<std::size_t, std::size_t>> want = {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 0}};
    EXPECT_EQ(seen, want);
}

TEST(PhraseSet, KeepsUtf8AndIgnoresTooShortPhrases)
{
    const PhraseSet set({"x", "\xe4\xb8\x8d\xe5\x9c\xa8", "r\xc3\xa9ponse automatique"});
    EXPECT_FALSE(set.findAny("x"));
    EXPECT_TRUE(set.findAny("Re: \xe4\xb8\x8d\xe5\x9c\xa8"));
    EXPECT_TRUE(set.findAny("R\xc3\xa9ponse Automatique: vacances"));
}

// Against std::string::find over random texts from a small alphabet (many near misses).
TEST(PhraseSet, AgreesWithOneSearchPerPhrase)
{
    const std::vector<std::string> phrases = {"ab", "abc", "bca", "cab ", "a b c", "aaaa", "c-a", "bb"};
    std::vector<std::string_view> views(phrases.begin(), phrases.end());
    const PhraseSet set(views);
    std::mt19937 random(7);
    const std::string alphabet = "abcABC -";
    for (int round = 0; round < 2000; ++round)
    {
        std::string text(random() % 40, ' ');
        for (char& c : text)
            c = alphabet[random() % alphabet.size()];
        const std::string folded = lower(text);
        std::size_t wantPos = std::string::npos;
        std::size_t wantIndex = PhraseSet::npos;
        std::size_t lowest = PhraseSet::npos;
        for (std::size_t i = 0; i < phrases.size(); ++i)
        {
            const std::size_t at = folded.find(phrases[i]);
            if (at == std::string::npos)
                continue;
            if (lowest == PhraseSet::npos)
                lowest = i;
            if (at < wantPos)
            {
                wantPos = at;
                wantIndex = i;
            }
        }
        SCOPED_TRACE(text);
        EXPECT_EQ(set.findEarliest(text).index, wantIndex);
        EXPECT_EQ(set.findEarliest(text).pos, wantIndex == PhraseSet::npos ? PhraseSet::npos : wantPos);
        EXPECT_EQ(set.findLowestIndex(text).index, lowest);
    }
}
