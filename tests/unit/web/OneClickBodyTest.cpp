// The body of a one-click POST (RFC 8058) and the bounded reading of request bodies.
#include "OneClickBody.h"
#include "RequestBody.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace verpmail::web {
namespace {

constexpr const char* kUrl = "application/x-www-form-urlencoded";

std::string multipart(const std::string& boundary, const std::string& name, const std::string& value)
{
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n--" +
           boundary + "--\r\n";
}

TEST(WebOneClickBody, UrlencodedBodies)
{
    const struct
    {
        const char* type;
        std::string body;
        OneClick want;
    } rows[] = {
        {kUrl, "List-Unsubscribe=One-Click", OneClick::Requested},
        {"application/x-www-form-urlencoded; charset=utf-8", "List-Unsubscribe=One-Click", OneClick::Requested},
        {kUrl, "list-unsubscribe=one-click", OneClick::Requested},
        {kUrl, "List-Unsubscribe=One-Click\r\n", OneClick::Requested},
        {kUrl, "a=1&List-Unsubscribe=One-Click&b=2", OneClick::Requested},
        {kUrl, "List-Unsubscribe=One%2DClick", OneClick::Requested},
        {kUrl, "List%2DUnsubscribe=One-Click", OneClick::Requested},
        {"", "List-Unsubscribe=One-Click", OneClick::Requested},
        {"text/plain", "List-Unsubscribe=One-Click", OneClick::Requested},
        {kUrl, "", OneClick::Missing},
        {kUrl, "List-Unsubscribe=Maybe", OneClick::Missing},
        {kUrl, "List-Unsubscribe=", OneClick::Missing},
        {kUrl, "List-Unsubscribe", OneClick::Missing},
        {kUrl, "List-Unsubscribe-Post=One-Click", OneClick::Missing},
        {kUrl, "X=List-Unsubscribe%3DOne-Click", OneClick::Missing},
        {kUrl, "{\"List-Unsubscribe\":\"One-Click\"}", OneClick::Missing},
        {kUrl, "List-Unsubscribe=One-Click%", OneClick::Malformed},
        {kUrl, "List-Unsubscribe=One-Click%zz", OneClick::Malformed},
    };
    for (const auto& row : rows)
        EXPECT_EQ(parseOneClick(row.type, row.body), row.want) << "type \"" << row.type << "\" body \"" << row.body
                                                                << "\"";
}

TEST(WebOneClickBody, MultipartBodies)
{
    const std::string ok = multipart("xYzZY", "List-Unsubscribe", "One-Click");
    EXPECT_EQ(parseOneClick("multipart/form-data; boundary=xYzZY", ok), OneClick::Requested);
    EXPECT_EQ(parseOneClick("Multipart/Form-Data; boundary=\"xYzZY\"", ok), OneClick::Requested) << "case, quotes";
    // What curl -F sends: a long boundary of dashes and hex.
    const std::string curlBoundary = "------------------------d74496d66958873e";
    EXPECT_EQ(parseOneClick("multipart/form-data; boundary=" + curlBoundary,
                            multipart(curlBoundary, "List-Unsubscribe", "One-Click")),
              OneClick::Requested);
    EXPECT_EQ(parseOneClick("multipart/form-data; boundary=xYzZY", multipart("xYzZY", "List-Unsubscribe", "No")),
              OneClick::Missing);
    EXPECT_EQ(parseOneClick("multipart/form-data; boundary=xYzZY", multipart("xYzZY", "Other", "One-Click")),
              OneClick::Missing);
    EXPECT_EQ(parseOneClick("multipart/form-data", ok), OneClick::Malformed) << "no boundary";
    EXPECT_EQ(parseOneClick("multipart/form-data; boundary=other", ok), OneClick::Malformed) << "wrong boundary";
    EXPECT_EQ(parseOneClick("multipart/form-data; boundary=xYzZY", "List-Unsubscribe=One-Click"), OneClick::Malformed);
    EXPECT_NE(parseOneClick("multipart/form-data; boundary=xYzZY", ok.substr(0, ok.size() / 2)), OneClick::Requested)
        << "cut off in the part's header";
}

TEST(WebOneClickBody, FieldsAndValuesAreBounded)
{
    std::string many;
    for (int i = 0; i < kMaxFields + 5; ++i)
        many += "f" + std::to_string(i) + "=1&";
    many += "List-Unsubscribe=One-Click";
    EXPECT_NE(parseOneClick(kUrl, many), OneClick::Requested) << "fields beyond the limit are not read";
    const std::string longValue = "x=" + std::string(kMaxValueBytes + 1, 'a') + "&List-Unsubscribe=One-Click";
    EXPECT_EQ(parseOneClick(kUrl, longValue), OneClick::Malformed);
    const std::string binary("List-Unsubscribe=One-Click\0\xff\xfe", 29);
    EXPECT_NE(parseOneClick(kUrl, binary), OneClick::Requested);
}

RequestBody read(const std::string& text, std::optional<std::uint64_t> declared, std::size_t max)
{
    std::istringstream in(text);
    return readRequestBody(in, declared, max);
}

TEST(WebRequestBody, ReadsAtMostTheBound)
{
    using S = RequestBody::Status;
    const struct
    {
        const char* name;
        std::string text;
        std::optional<std::uint64_t> declared;
        std::size_t max;
        S want;
        std::size_t wantBytes;
    } rows[] = {
        {"declared, within", "abcdef", 6, 10, S::Complete, 6},
        {"declared, exactly the bound", "abcdefghij", 10, 10, S::Complete, 10},
        {"declared beyond the bound: nothing read", "abcdefghijk", 11, 10, S::TooLarge, 0},
        {"declared as huge", "a", UINT64_MAX, 10, S::TooLarge, 0},
        {"declared, the stream ends early", "abc", 6, 10, S::Incomplete, 3},
        {"declared shorter than sent: the rest stays unread", "abcdef", 2, 10, S::Complete, 2},
        {"undeclared (chunked), within", "abcdef", std::nullopt, 10, S::Complete, 6},
        {"undeclared, exactly the bound", "abcdefghij", std::nullopt, 10, S::Complete, 10},
        {"undeclared, one byte beyond", "abcdefghijk", std::nullopt, 10, S::TooLarge, 11},
        {"undeclared, far beyond: one byte past the bound is read", std::string(100000, 'x'), std::nullopt, 10,
         S::TooLarge, 11},
        {"empty", "", std::nullopt, 10, S::Complete, 0},
        {"declared empty", "ignored", 0, 10, S::Complete, 0},
    };
    for (const auto& row : rows) {
        const RequestBody got = read(row.text, row.declared, row.max);
        EXPECT_EQ(got.status, row.want) << row.name;
        EXPECT_EQ(got.bytes.size(), row.wantBytes) << row.name;
    }
    EXPECT_EQ(read("List-Unsubscribe=One-Click", 26, 65536).bytes, "List-Unsubscribe=One-Click");
}

TEST(WebRequestBody, AFailingStreamIsIncomplete)
{
    std::istringstream in("abc");
    in.setstate(std::ios::badbit);
    EXPECT_EQ(readRequestBody(in, std::nullopt, 10).status, RequestBody::Status::Incomplete);
}

} // namespace
} // namespace verpmail::web
