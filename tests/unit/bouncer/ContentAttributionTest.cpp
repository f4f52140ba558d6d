// bouncer.attribution = content: which members a return to a plain address names.
#include "Attribution.h"

#include "verpmail/config/ConfigKeys.h"
#include "verpmail/config/Settings.h"
#include "verpmail/db/MysqlError.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <gtest/gtest.h>

#include <set>

namespace verpmail {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";

VerpCodec tokenCodec()
{
    return VerpCodec({VerpMode::Token, "sentto", "bounces.example.org", kKey, {}, 30});
}

RecipientResult failed(const std::string& address, BounceClass cls)
{
    RecipientResult r;
    r.address = address;
    r.action = "failed";
    r.bounceClass = cls;
    return r;
}

/// A fake members table; records every address asked about.
struct FakeMembers
{
    std::set<std::string> members;
    std::vector<std::string> asked;
    MemberLookup lookup()
    {
        return [this](const std::string& email) {
            asked.push_back(email);
            return members.count(email) > 0;
        };
    }
};

EncodedFromLookup noTracker()
{
    return [](const std::string&) { return std::optional<std::string>(); };
}

ParsedReturn bounceNaming(std::vector<RecipientResult> recipients)
{
    ParsedReturn parsed;
    parsed.kind = ReturnKind::Bounce;
    parsed.recipients = std::move(recipients);
    return parsed;
}

TEST(ContentAttribution, NamesOnlyMembers)
{
    FakeMembers fake{{"member@example.org"}, {}};
    const ParsedReturn parsed = bounceNaming({failed("stranger@example.org", BounceClass::Hard),
                                              failed("Member@Example.ORG", BounceClass::Hard)});
    const auto found = attributeByContent(tokenCodec(), fake.lookup(), parsed);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].who.email.value_or(""), "member@example.org");
    EXPECT_EQ(found[0].who.via, "content");
    EXPECT_EQ(found[0].index.value_or(99), 1u);
    // The member's own VERP local part, for a tracker row the return may create.
    EXPECT_EQ(found[0].who.encodedFrom, tokenCodec().localPart(*EmailAddress::parse("member@example.org")));
}

TEST(ContentAttribution, OneRowPerMemberEachOnce)
{
    FakeMembers fake{{"a@example.org", "b@example.org"}, {}};
    const ParsedReturn parsed = bounceNaming({failed("a@example.org", BounceClass::Hard),
                                              failed("b@example.org", BounceClass::Soft),
                                              failed("A@example.org", BounceClass::Hard)});
    const auto found = attributeByContent(tokenCodec(), fake.lookup(), parsed);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].who.email.value_or(""), "a@example.org");
    EXPECT_EQ(found[1].who.email.value_or(""), "b@example.org");
    EXPECT_EQ(found[1].index.value_or(99), 1u);
}

TEST(ContentAttribution, OnlyFailuresCount)
{
    FakeMembers fake{{"a@example.org"}, {}};
    RecipientResult delayed = failed("a@example.org", BounceClass::None);
    delayed.action = "delayed";
    const auto found = attributeByContent(tokenCodec(), fake.lookup(), bounceNaming({delayed}));
    EXPECT_TRUE(found.empty());
}

TEST(ContentAttribution, BouncesOnly)
{
    FakeMembers fake{{"a@example.org"}, {}};
    for (const ReturnKind kind : {ReturnKind::Complaint, ReturnKind::AutoReply, ReturnKind::Other}) {
        ParsedReturn parsed = bounceNaming({failed("a@example.org", BounceClass::Hard)});
        parsed.kind = kind;
        EXPECT_TRUE(attributeByContent(tokenCodec(), fake.lookup(), parsed).empty()) << toString(kind);
    }
    // Not even asked: a complaint names whoever its sender likes.
    EXPECT_TRUE(fake.asked.empty());
}

TEST(ContentAttribution, VerpModeIgnoresContent)
{
    FakeMembers fake{{"a@example.org"}, {}};
    const ParsedReturn parsed = bounceNaming({failed("a@example.org", BounceClass::Hard)});
    const auto found =
        attributeReturn(tokenCodec(), noTracker(), fake.lookup(), false, "bounces@bounces.example.org", {}, parsed);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_FALSE(found[0].who.email);
    EXPECT_FALSE(found[0].index);
    EXPECT_TRUE(fake.asked.empty());
}

TEST(ContentAttribution, ContentModeAfterVerpFails)
{
    FakeMembers fake{{"a@example.org"}, {}};
    const ParsedReturn parsed = bounceNaming({failed("a@example.org", BounceClass::Hard)});
    const auto found =
        attributeReturn(tokenCodec(), noTracker(), fake.lookup(), true, "bounces@bounces.example.org", {}, parsed);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].who.email.value_or(""), "a@example.org");
    EXPECT_EQ(found[0].who.via, "content");
}

TEST(ContentAttribution, VerpAddressWinsOverContent)
{
    FakeMembers fake{{"a@example.org", "b@example.org"}, {}};
    const EncodedFromLookup tracker = [](const std::string& local) {
        return local == "sentto-abc" ? std::optional<std::string>("b@example.org") : std::nullopt;
    };
    const ParsedReturn parsed = bounceNaming({failed("a@example.org", BounceClass::Hard)});
    const auto found =
        attributeReturn(tokenCodec(), tracker, fake.lookup(), true, "sentto-abc@bounces.example.org", {}, parsed);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].who.email.value_or(""), "b@example.org");
    EXPECT_EQ(found[0].who.via, "encodedfrom");
    EXPECT_TRUE(fake.asked.empty());
}

TEST(ContentAttribution, NoMemberNamedStaysUnattributed)
{
    FakeMembers fake{{"a@example.org"}, {}};
    const ParsedReturn parsed = bounceNaming({failed("stranger@example.org", BounceClass::Hard)});
    const auto found =
        attributeReturn(tokenCodec(), noTracker(), fake.lookup(), true, "bounces@bounces.example.org", {}, parsed);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_FALSE(found[0].who.email);
    EXPECT_NE(found[0].who.problem.find("no member"), std::string::npos);
    EXPECT_EQ(fake.asked, std::vector<std::string>{"stranger@example.org"});
}

TEST(ContentAttribution, SettingIsVerpOrContent)
{
    Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
    for (const keys::Key* key : keys::kAll)
        if (key->defaultValue)
            config->setString(key->name, key->defaultValue);
    EXPECT_FALSE(bouncerSettingsFrom(*config).contentAttribution);
    config->setString("bouncer.attribution", "Content");
    EXPECT_TRUE(bouncerSettingsFrom(*config).contentAttribution);
    config->setString("bouncer.attribution", "verp");
    EXPECT_FALSE(bouncerSettingsFrom(*config).contentAttribution);
    config->setString("bouncer.attribution", "headers");
    EXPECT_THROW(bouncerSettingsFrom(*config), ConfigError);
}

} // namespace
} // namespace verpmail
