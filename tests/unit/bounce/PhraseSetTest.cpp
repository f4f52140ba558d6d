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

namespace {

// Every (pos, index) by one search per phrase, in forEach's order.
std::vector<std::pair<std::size_t, std::size_t>> allMatches(const std::vector<std::string>& phrases, const std::string& text)
{
    const std::string folded = lower(text);
    std::vector<std::pair<std::size_t, std::size_t>> found;
    for (std::size_t pos = 0; pos < folded.size(); ++pos)
        for (std::size_t i = 0; i < phrases.size(); ++i)
            if (phrases[i].size() >= 2 && folded.compare(pos, phrases[i].size(), phrases[i]) == 0)
                found.emplace_back(pos, i);
    return found;
}

std::vector<std::pair<std::size_t, std::size_t>> forEachMatches(const PhraseSet& set, const std::string& text)
{
    std::vector<std::pair<std::size_t, std::size_t>> seen;
    set.forEach(text, [&](std::size_t pos, std::size_t index) {
        seen.emplace_back(pos, index);
        return true;
    });
    return seen;
}

void expectAgrees(const std::vector<std::string>& phrases, const std::string& text)
{
    const std::vector<std::string_view> views(phrases.begin(), phrases.end());
    const PhraseSet set(views);
    const auto want = allMatches(phrases, text);
    SCOPED_TRACE(text);
    EXPECT_EQ(forEachMatches(set, text), want);
    const auto earliest = set.findEarliest(text);
    EXPECT_EQ(earliest.index, want.empty() ? PhraseSet::npos : want.front().second);
    EXPECT_EQ(earliest.pos, want.empty() ? PhraseSet::npos : want.front().first);
    std::size_t lowest = PhraseSet::npos;
    for (const auto& m : want)
        lowest = std::min(lowest, m.second);
    EXPECT_EQ(set.findLowestIndex(text).index, lowest);
    for (const auto& m : want)
        EXPECT_TRUE(set.matchesAt(text, m.first, m.second));
}

} // namespace

// Phrases of many lengths, some inside others, in one table: the matches come out
// by position and then index.
TEST(PhraseSet, OrdersMatchesOfPhrasesOfManyLengths)
{
    const std::vector<std::string> phrases = {"mailbox full", "rbl", "spam", "listed in rbl", " uce ",
                                              "mailbox", "user unknown", "unknown", "box", "x-unix"};
    expectAgrees(phrases, "RBL");
    expectAgrees(phrases, "rbl listed in RBL");
    expectAgrees(phrases, "Mailbox Full");
    expectAgrees(phrases, "550 Mailbox full; user unknown (spam) uce listed in rbl");
    expectAgrees(phrases, "x uce x-unixbox");
    expectAgrees(phrases, "ends with mailbox");
    expectAgrees(phrases, "");
    expectAgrees(phrases, "rb");
}

// Byte pairs that share an index key ('!' and 'a' and 0xe1 have the same low six
// bits) are still compared whole.
TEST(PhraseSet, TellsApartBytesSharingAnIndexKey)
{
    const std::vector<std::string> phrases = {"aa", "!a", "\xe1" "a", "a!", "aa!"};
    expectAgrees(phrases, "!aAA\xe1" "A a!");
    expectAgrees(phrases, "\xe1\xe1!!AA!");
    EXPECT_EQ(forEachMatches(PhraseSet({"!a", "aa"}), "aA").size(), 1u);
}

TEST(PhraseSet, TwoByteShortPhrasesAtTheEnd)
{
    const std::vector<std::string> phrases = {"ab", "abc", "bcdefghij", "b"};
    expectAgrees(phrases, "ab");
    expectAgrees(phrases, "xAB");
    expectAgrees(phrases, "abcdefghij ab");
    expectAgrees(phrases, "a");
}

namespace {

// count lower-case phrases of shortest to shortest + spread - 1 bytes.
std::vector<std::string> randomPhrases(std::mt19937& random, std::size_t count, std::size_t shortest,
                                       std::size_t spread, const std::string& alphabet)
{
    std::vector<std::string> phrases(count);
    for (std::string& p : phrases)
    {
        p.resize(shortest + random() % spread);
        for (char& c : p)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(alphabet[random() % alphabet.size()])));
    }
    return phrases;
}

std::string randomText(std::mt19937& random, std::size_t size, const std::string& alphabet)
{
    std::string text(size, ' ');
    for (char& c : text)
        c = alphabet[random() % alphabet.size()];
    return text;
}

} // namespace

// Random tables of up to 121 phrases of 2 to 21 bytes over a small alphabet (many
// phrases share their first two bytes), planted at the start, the end or anywhere.
TEST(PhraseSet, AgreesOnMixedLengthsAndManyShortPhrases)
{
    std::mt19937 random(11);
    const std::string alphabet = "abcdAB -";
    for (int table = 0; table < 40; ++table)
    {
        const std::size_t count = 2 + random() % 120;
        const std::size_t shortest = 2 + random() % 8;
        const std::vector<std::string> phrases = randomPhrases(random, count, shortest, 12, alphabet);
        for (int round = 0; round < 40; ++round)
        {
            std::string text = randomText(random, random() % 60, alphabet);
            // Plant a phrase, sometimes at the very start or end.
            if (!phrases.empty() && round % 2 == 0)
            {
                const std::string& p = phrases[random() % phrases.size()];
                const std::size_t at = round % 3 == 0 ? 0 : (round % 3 == 1 ? text.size() : random() % (text.size() + 1));
                text.insert(at, p);
            }
            expectAgrees(phrases, text);
        }
    }
}

// A wide alphabet, with a few phrases or with hundreds, and planted near misses.
TEST(PhraseSet, AgreesOnSmallAndLargeTables)
{
    std::mt19937 random(13);
    const std::string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.:";
    for (int table = 0; table < 24; ++table)
    {
        const std::size_t count = table % 2 == 0 ? 1 + random() % 8 : 300 + random() % 400;
        const std::size_t shortest = 3 + random() % 14;
        const std::vector<std::string> phrases = randomPhrases(random, count, shortest, 20, alphabet);
        for (int round = 0; round < 60; ++round)
        {
            std::string text = randomText(random, random() % 200, alphabet);
            for (int planted = 0; planted < round % 4; ++planted)
            {
                std::string p = phrases[random() % phrases.size()];
                if (round % 5 == 0)
                    p[random() % p.size()] ^= 1;   // a near miss
                const std::size_t at = planted == 0 ? text.size() : random() % (text.size() + 1);
                text.insert(at, p);
            }
            expectAgrees(phrases, text);
        }
    }
}

// A difference in any one byte of a phrase, in any case, is told.
TEST(PhraseSet, ComparesEveryByteOfLongPhrases)
{
    std::vector<std::string> phrases;
    for (std::size_t size : {8u, 9u, 15u, 16u, 17u, 23u, 24u, 25u, 33u, 40u})
    {
        std::string p;
        for (std::size_t i = 0; i < size; ++i)
            p.push_back(static_cast<char>('a' + (i * 7 + size) % 26));
        phrases.push_back(p);
    }
    for (const std::string& p : phrases)
    {
        std::string upper = p;
        std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        expectAgrees(phrases, p);
        expectAgrees(phrases, "x " + upper + " y");
        expectAgrees(phrases, upper.substr(0, p.size() - 1));   // text ends mid-phrase
        for (std::size_t i = 0; i < p.size(); ++i)
        {
            std::string near = "(" + p + ")";
            near[1 + i] = static_cast<char>(near[1 + i] ^ 0x01);
            expectAgrees(phrases, near);
            near[1 + i] = '\xe1';   // an 8-bit byte in its place
            expectAgrees(phrases, near);
        }
    }
}

// Short phrases at every offset of texts of many lengths, at the very end, in upper
// case and next to 8-bit bytes (which share the low bits of the index key with
// ASCII bytes), in tables of up to a hundred short phrases, agree with one search
// per phrase.
TEST(PhraseSet, AgreesOnShortPhrasesAtEveryOffset)
{
    const std::vector<std::string> fixed = {"rbl", "spam", "mime", "8bit", "dkim", "x-unix", " uce ", "ab", "quota",
                                            "\xc3\xa9t\xc3\xa9", "mailbox full", "user unknown"};
    for (std::size_t size : {17u, 18u, 19u, 31u, 32u, 33u, 34u, 35u, 49u, 50u, 51u, 63u, 64u, 65u, 66u, 67u, 68u, 98u, 99u})
        for (std::size_t at = 0; at + 3 <= size; ++at)
        {
            std::string text(size, '.');
            text.replace(at, 3, at % 2 == 0 ? "RBL" : "rbl");
            expectAgrees(fixed, text);
            std::string two(size, '\xb7');
            two.replace(size - 2, 2, "AB");
            expectAgrees(fixed, two);
        }
    std::mt19937 random(17);
    const std::string alphabet = "abcdeABCDE -\xc3\xa9\x80\xff";
    for (int table = 0; table < 30; ++table)
    {
        const std::size_t count = 1 + random() % (table % 3 == 0 ? 100 : 12);
        std::vector<std::string> phrases = randomPhrases(random, count, 2, 7, alphabet);
        phrases.push_back("abcdeabcdeab");   // a long part too
        for (int round = 0; round < 60; ++round)
        {
            std::string text = randomText(random, random() % 80, alphabet);
            if (round % 2 == 0)
            {
                std::string p = phrases[random() % phrases.size()];
                if (round % 4 == 0)
                    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
                const std::size_t at = round % 3 == 0 ? text.size() : random() % (text.size() + 1);
                text.insert(at, p);
            }
            expectAgrees(phrases, text);
        }
    }
}

// Phrases of 5 to 17 bytes over an alphabet so small that most of them share long
// prefixes, planted with their case or one byte changed.
TEST(PhraseSet, AgreesOnPhrasesSharingLongPrefixes)
{
    std::mt19937 random(19);
    const std::string alphabet = "abcABC";
    for (std::size_t shortest = 5; shortest <= 12; ++shortest)
        for (int table = 0; table < 6; ++table)
        {
            const std::vector<std::string> phrases = randomPhrases(random, 1 + random() % 40, shortest, 6, alphabet);
            for (int round = 0; round < 40; ++round)
            {
                std::string text = randomText(random, random() % 70, alphabet);
                std::string p = phrases[random() % phrases.size()];
                if (round % 3 == 0)
                    p[random() % p.size()] ^= 0x20;   // its case, or a near miss past the alphabet
                text.insert(random() % (text.size() + 1), p);
                expectAgrees(phrases, text);
            }
        }
}
