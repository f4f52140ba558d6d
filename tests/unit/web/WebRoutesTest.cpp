// Path routing: which endpoint, with which list and token, and which methods.
#include "WebRoutes.h"

#include <gtest/gtest.h>

#include <string>

namespace verpmail::web {
namespace {

using K = Route::Kind;

TEST(WebRoutes, TargetsToRoutes)
{
    const struct
    {
        std::string target;
        K kind;
        const char* list;
        const char* token;
    } rows[] = {
        {"/unsubscribe/news/4711-abcdefghijklmnopqrstuvwxyz", K::Unsubscribe, "news", "4711-abcdefghijklmnopqrstuvwxyz"},
        {"/unsubscribe/news/4711-abc?utm_source=x", K::Unsubscribe, "news", "4711-abc"},
        {"/unsubscribe/news/4711-abc#frag", K::Unsubscribe, "news", "4711-abc"},
        {"/unsubscribe/my%2Dlist/4711%2Dabc", K::Unsubscribe, "my-list", "4711-abc"},
        {"/unsubscribe/a%2Fb/t", K::Unsubscribe, "a/b", "t"},  // decoded after splitting: one segment
        {"/health", K::Health, "", ""},
        {"/health?x=1", K::Health, "", ""},
        {"/webhooks/sns", K::SnsWebhook, "", ""},
        {"/webhooks/sns?x=1", K::SnsWebhook, "", ""},
        {"/webhooks/sns/", K::Unknown, "", ""},
        {"/webhooks/SNS", K::Unknown, "", ""},
        {"/webhooks", K::Unknown, "", ""},
        {"/webhooks/sns/x", K::Unknown, "", ""},
        {"/", K::Unknown, "", ""},
        {"", K::Unknown, "", ""},
        {"*", K::Unknown, "", ""},
        {"http://example.org/health", K::Unknown, "", ""},
        {"/health/", K::Unknown, "", ""},
        {"/HEALTH", K::Unknown, "", ""},
        {"/unsubscribe", K::Unknown, "", ""},
        {"/unsubscribe/news", K::Unknown, "", ""},
        {"/unsubscribe/news/", K::Unknown, "", ""},
        {"/unsubscribe//tok", K::Unknown, "", ""},
        {"/unsubscribe/news/tok/", K::Unknown, "", ""},
        {"/unsubscribe/news/tok/more", K::Unknown, "", ""},
        {"//unsubscribe/news/tok", K::Unknown, "", ""},
        {"/unsubscribe/news/tok%", K::Unknown, "", ""},
        {"/unsubscribe/news/tok%4", K::Unknown, "", ""},
        {"/unsubscribe/news/tok%zz", K::Unknown, "", ""},
        {"/unsubscribe/news/tok%00", K::Unknown, "", ""},
        {"/Unsubscribe/news/tok", K::Unknown, "", ""},
        {"/unsubscribe/news/" + std::string(2000, 'a'), K::Unknown, "", ""},
    };
    for (const auto& row : rows) {
        const Route got = routeOf(row.target);
        EXPECT_EQ(got.kind, row.kind) << "routeOf(\"" << row.target.substr(0, 60) << "\")";
        EXPECT_EQ(got.list, row.list) << row.target.substr(0, 60);
        EXPECT_EQ(got.token, row.token) << row.target.substr(0, 60);
    }
}

TEST(WebRoutes, MethodsEachRouteAnswers)
{
    EXPECT_TRUE(methodAllowed(K::Unsubscribe, "GET"));
    EXPECT_TRUE(methodAllowed(K::Unsubscribe, "HEAD"));
    EXPECT_TRUE(methodAllowed(K::Unsubscribe, "POST"));
    EXPECT_FALSE(methodAllowed(K::Unsubscribe, "PUT"));
    EXPECT_FALSE(methodAllowed(K::Unsubscribe, "DELETE"));
    EXPECT_FALSE(methodAllowed(K::Unsubscribe, "post")) << "methods are case-sensitive";
    EXPECT_TRUE(methodAllowed(K::Health, "GET"));
    EXPECT_FALSE(methodAllowed(K::Health, "POST"));
    EXPECT_FALSE(methodAllowed(K::Unknown, "GET"));
    EXPECT_STREQ(allowedMethods(K::Unsubscribe), "GET, HEAD, POST");
    EXPECT_STREQ(allowedMethods(K::Health), "GET, HEAD");
    EXPECT_TRUE(methodAllowed(K::SnsWebhook, "POST"));
    EXPECT_FALSE(methodAllowed(K::SnsWebhook, "GET"));
    EXPECT_FALSE(methodAllowed(K::SnsWebhook, "HEAD"));
    EXPECT_STREQ(allowedMethods(K::SnsWebhook), "POST");
}

TEST(WebRoutes, PercentDecoding)
{
    std::string out;
    EXPECT_TRUE(percentDecode("a%20b%2fc%2F", out));
    EXPECT_EQ(out, "a b/c/");
    EXPECT_TRUE(percentDecode("", out));
    EXPECT_EQ(out, "");
    EXPECT_FALSE(percentDecode("%", out));
    EXPECT_FALSE(percentDecode("%2", out));
    EXPECT_FALSE(percentDecode("%g0", out));
    EXPECT_FALSE(percentDecode("a%00b", out));
    EXPECT_FALSE(percentDecode(std::string_view("a\0b", 3), out));
}

} // namespace
} // namespace verpmail::web
