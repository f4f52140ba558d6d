#include "MessageTemplate.h"

#include <gtest/gtest.h>

#include <chrono>

namespace verpmail {
namespace {

// Every line ends with CRLF, no bare CR or LF, none longer than 998 octets.
void expectWireLines(const std::string& wire)
{
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\r') {
            ASSERT_LT(i + 1, wire.size()) << "bare CR at the end";
            ASSERT_EQ(wire[i + 1], '\n') << "bare CR at " << i;
            EXPECT_LE(i - lineStart, 998u) << "line at " << lineStart;
            lineStart = i + 2;
            ++i;
        } else {
            ASSERT_NE(wire[i], '\n') << "bare LF at " << i;
        }
    }
    EXPECT_EQ(lineStart, wire.size()) << "the last line has no CRLF";
}

Personalization zoe()
{
    Personalization p;
    p.address = "zoe@example.net";
    p.name = "Zo\xC3\xAB <\xC3\x98>";
    p.list = "news";
    p.unsubscribeUrl = "https://example.org/unsubscribe?list=news&m=zoe%40example.net&t=0123456789abcdef0123456789abcdef";
    p.unsubscribeMailto = "mailto:unsubscribe@example.org?subject=zoe%40example.net";
    return p;
}

PersonalHeaderInputs zoeHeaders()
{
    PersonalHeaderInputs in;
    in.campaign = "spring-2024";
    in.listName = "news";
    in.listIdDomain = "lists.example.org";
    in.address = "zoe@example.net";
    in.name = "Zo\xC3\xAB <\xC3\x98>";
    in.envelopeSender = "sentto-abc@bounces.example.org";
    in.unsubscribeUrl = zoe().unsubscribeUrl;
    in.unsubscribeMailto = "unsubscribe@example.org?subject=zoe%40example.net";
    in.date = "Mon, 06 May 2024 10:00:00 +0000";
    in.feedbackSenderTag = "esp1";
    return in;
}

// bytes(range(100)) in base64, as Python's base64.encodebytes writes it.
constexpr const char* kAttachment =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\r\n"
    "OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiYw==\r\n";

const std::string kMultipart = std::string() +
    "From: News <news@example.org>\n"
    "To: placeholder@example.org\n"
    "Subject: Hello {{name}}, news for {{address}}\n"
    "Message-ID: <template@example.org>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed;\n"
    " boundary=\"outer\"\n"
    "\n"
    "This is a multi-part message in MIME format.\n"
    "--outer\n"
    "Content-Type: multipart/alternative; boundary=inner\n"
    "\n"
    "--inner\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "Dear {{name|reader}},\n"
    "this costs 5 =E2=82=AC, and a=3Db stays.\n"
    "Unsubscribe: {{unsub=\n"
    "scribe_url}}\n"
    "Signed, the team=20\n"
    "--inner\n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<p>Dear {{name}}, <a href=\"{{unsubscribe_url}}\">unsubscribe</a> {{nickname}}</p>\n"
    "--inner--\n"
    "\n"
    "--outer\n"
    "Content-Type: application/octet-stream; name=\"data.bin\"\n"
    "Content-Transfer-Encoding: base64\n"
    "Content-Disposition: attachment; filename=\"data.bin\"\n"
    "\n" +
    kAttachment +
    "--outer--\n"
    "epilogue\n";

// Written by hand; the quoted-printable lines are what Python's email.quoprimime.body_encode
// gives for the personalised text, the encoded-words are base64 of the UTF-8 text, the
// Message-ID digest is hashlib.sha256(b"spring-2024\nzoe@example.net").hexdigest()[:20].
const std::string kMultipartForZoe = std::string() +
    "To: =?UTF-8?B?Wm/DqyA8w5g+?= <zoe@example.net>\r\n"
    "Message-ID: <spring-2024.0e265e07807435611372@lists.example.org>\r\n"
    "Date: Mon, 06 May 2024 10:00:00 +0000\r\n"
    "List-Id: <news.lists.example.org>\r\n"
    "List-Unsubscribe: <mailto:unsubscribe@example.org?subject=zoe%40example.net>,\r\n"
    " <https://example.org/unsubscribe?list=news&m=zoe%40example.net&t=0123456789abcdef0123456789abcdef>\r\n"
    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
    "Feedback-ID: spring-2024:news:verpmail:esp1\r\n"
    "X-Verpmail-Campaign: spring-2024\r\n"
    "X-Verpmail-Envelope: <sentto-abc@bounces.example.org>\r\n"
    "From: News <news@example.org>\r\n"
    "Subject: Hello =?UTF-8?B?Wm/DqyA8w5g+LA==?= news for zoe@example.net\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed;\r\n"
    " boundary=\"outer\"\r\n"
    "\r\n"
    "This is a multi-part message in MIME format.\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=inner\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Dear Zo=C3=AB <=C3=98>,\r\n"
    "this costs 5 =E2=82=AC, and a=3Db stays.\r\n"
    "Unsubscribe: https://example.org/unsubscribe?list=3Dnews&m=3Dzoe%40example.=\r\n"
    "net&t=3D0123456789abcdef0123456789abcdef\r\n"
    "Signed, the team=20\r\n"
    "--inner\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "<p>Dear Zo=C3=AB &lt;=C3=98&gt;, <a href=3D\"https://example.org/unsubscribe=\r\n"
    "?list=3Dnews&amp;m=3Dzoe%40example.net&amp;t=3D0123456789abcdef0123456789ab=\r\n"
    "cdef\">unsubscribe</a> {{nickname}}</p>\r\n"
    "--inner--\r\n"
    "\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
    "\r\n" +
    kAttachment +
    "--outer--\r\n"
    "epilogue\r\n";

TEST(MessageTemplate, ComposesMultipartForOneRecipientByteByByte)
{
    const MessageTemplate t = MessageTemplate::parse(kMultipart);
    ASSERT_TRUE(t.ok()) << t.problem();
    EXPECT_EQ(t.subject(), "Hello {{name}}, news for {{address}}");
    EXPECT_EQ(t.warnings(), (std::vector<std::string>{"unknown placeholder {{nickname}} left as it is"}));

    const std::string wire = t.compose(buildPersonalHeaders(zoeHeaders()), zoe());
    EXPECT_EQ(wire, kMultipartForZoe);
    expectWireLines(wire);
    EXPECT_NE(wire.find("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos);
    EXPECT_NE(wire.find("\r\nList-Unsubscribe: <mailto:"), std::string::npos);
    EXPECT_NE(wire.find(std::string("\r\n\r\n") + kAttachment + "--outer--\r\n"), std::string::npos);
}

TEST(MessageTemplate, ReplacesPersonalHeadersAndNormalisesLineEnds)
{
    const MessageTemplate t = MessageTemplate::parse(
        "From: List <list@example.org>\n"
        "To: everyone@example.org\n"
        "Subject: Hello\n"
        " world\n"
        "Message-ID: <old@example.org>\n"
        "Feedback-ID: old\r\n"
        "MIME-Version: 1.0\r"  // a lone CR ends a line too
        "\r\n"
        "Body line 1\n"
        ".leading dot stays for libESMTP to stuff\n");
    ASSERT_TRUE(t.ok()) << t.problem();
    EXPECT_EQ(t.from(), "List <list@example.org>");
    EXPECT_EQ(t.subject(), "Hello world");
    PersonalHeaders h;
    h.fields = {{"To", "<a@example.net>"}, {"Message-ID", "<new@example.org>"}};
    EXPECT_EQ(t.compose(h),
              "To: <a@example.net>\r\n"
              "Message-ID: <new@example.org>\r\n"
              "From: List <list@example.org>\r\n"
              "Subject: Hello\r\n"
              " world\r\n"
              "MIME-Version: 1.0\r\n"
              "\r\n"
              "Body line 1\r\n"
              ".leading dot stays for libESMTP to stuff\r\n");
}

TEST(MessageTemplate, PlainMessageGetsMimeLabelsWhenValuesNeedThem)
{
    const MessageTemplate t = MessageTemplate::parse(
        "From: a@example.org\n"
        "Subject: For {{name}}\n"
        "\n"
        "Hi {{name}}, unsubscribe: {{unsubscribe_url}}\n");
    ASSERT_TRUE(t.ok()) << t.problem();
    Personalization ascii;
    ascii.name = "Ann";
    ascii.unsubscribeUrl = "https://e.org/u";
    EXPECT_EQ(t.compose(PersonalHeaders{}, ascii),
              "From: a@example.org\r\n"
              "Subject: For Ann\r\n"
              "\r\n"
              "Hi Ann, unsubscribe: https://e.org/u\r\n");
    Personalization utf8 = ascii;
    utf8.name = "Zo\xC3\xAB";
    EXPECT_EQ(t.compose(PersonalHeaders{}, utf8),
              "From: a@example.org\r\n"
              "Subject: For =?UTF-8?B?Wm/Dqw==?=\r\n"
              "MIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Transfer-Encoding: quoted-printable\r\n"
              "\r\n"
              "Hi Zo=C3=AB, unsubscribe: https://e.org/u\r\n");
    // No values at all: placeholders become "".
    EXPECT_EQ(t.compose(PersonalHeaders{}),
              "From: a@example.org\r\n"
              "Subject: For \r\n"
              "\r\n"
              "Hi , unsubscribe: \r\n");
}

TEST(MessageTemplate, PartsChangeEncodingAndCharsetOnlyWhenTheyMust)
{
    const MessageTemplate t = MessageTemplate::parse(
        "From: a@example.org\n"
        "Content-Type: multipart/alternative; boundary=b\n"
        "\n"
        "--b\n"
        "Content-Type: text/plain; charset=\"us-ascii\"; format=flowed\n"
        "Content-Transfer-Encoding: 7bit\n"
        "\n"
        "Hi {{name}}\n"
        "--b\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "Hi {{name}}\n"
        "--b\n"
        "Content-Type: text/html\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        "PHA+e3tuYW1lfX08L3A+\n"  // "<p>{{name}}</p>"
        "--b--\n");
    ASSERT_TRUE(t.ok()) << t.problem();
    Personalization p;
    p.name = "Zo\xC3\xAB";
    // python3: base64.b64encode("<p>Zoë</p>".encode()) == b"PHA+Wm/DqzwvcD4="
    EXPECT_EQ(t.compose(PersonalHeaders{}, p),
              "From: a@example.org\r\n"
              "Content-Type: multipart/alternative; boundary=b\r\n"
              "\r\n"
              "--b\r\n"
              "Content-Type: text/plain; charset=utf-8; format=flowed\r\n"
              "Content-Transfer-Encoding: quoted-printable\r\n"
              "\r\n"
              "Hi Zo=C3=AB\r\n"
              "--b\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Transfer-Encoding: 8bit\r\n"
              "\r\n"
              "Hi Zo\xC3\xAB\r\n"
              "--b\r\n"
              "Content-Type: text/html; charset=utf-8\r\n"
              "Content-Transfer-Encoding: base64\r\n"
              "\r\n"
              "PHA+Wm/DqzwvcD4=\r\n"
              "--b--\r\n");
    // A value that makes an 8bit line longer than 998 octets turns the part quoted-printable.
    p.name = std::string(1200, 'n');
    const std::string wire = t.compose(PersonalHeaders{}, p);
    expectWireLines(wire);
    EXPECT_EQ(wire.find("Content-Transfer-Encoding: 8bit"), std::string::npos);
}

TEST(MessageTemplate, BrokenStructureIsPassedThroughRaw)
{
    struct Row
    {
        std::string name;
        std::string body;  // after "From: a@example.org\n"
        std::string warning;
    };
    std::string deep = "Content-Type: multipart/mixed; boundary=b0\n\n";
    for (int i = 1; i <= 12; ++i)
        deep += "--b" + std::to_string(i - 1) + "\nContent-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n";
    deep += "--b12\n\nHi {{name}}\n";
    for (int i = 12; i >= 0; --i)
        deep += "--b" + std::to_string(i) + "--\n";
    const Row rows[] = {
        {"unterminated", "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nHi {{name}}\n",
         "a multipart/mixed with boundary \"b\" has no closing delimiter: passed through without placeholders"},
        {"no boundary", "Content-Type: multipart/mixed\n\n--b\n\nHi {{name}}\n--b--\n",
         "a multipart/mixed has no boundary parameter: passed through without placeholders"},
        {"no parts", "Content-Type: multipart/mixed; boundary=b\n\nHi {{name}}\n--b--\n",
         "a multipart/mixed with boundary \"b\" has no parts: passed through without placeholders"},
        {"deep", deep, "multipart nested deeper than 10 levels: passed through without placeholders"},
        {"latin-1", "Content-Type: text/plain; charset=iso-8859-1\n\nHi {{name}}\n",
         "a text/plain part in charset iso-8859-1 takes no values: passed through without placeholders"},
        {"bad base64", "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n{{name}}\n",
         "a text/plain part is not valid base64: passed through without placeholders"},
        {"bad part header", "Content-Type: multipart/mixed; boundary=b\n\n--b\nnot a header\n\nHi {{name}}\n--b--\n",
         "a part has a line that is not a header field: passed through without placeholders"},
    };
    Personalization p;
    p.name = "Zo\xC3\xAB";
    for (const Row& row : rows) {
        SCOPED_TRACE(row.name);
        const std::string text = "From: a@example.org\n" + row.body;
        const MessageTemplate t = MessageTemplate::parse(text);
        ASSERT_TRUE(t.ok()) << t.problem();
        EXPECT_EQ(t.warnings(), std::vector<std::string>{row.warning});
        std::string crlf;
        for (const char c : text)
            crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        EXPECT_EQ(t.compose(PersonalHeaders{}, p), crlf);
    }
}

TEST(MessageTemplate, ReportsUnusableFiles)
{
    struct Row
    {
        std::string bytes;
        const char* problemStart;
    };
    const Row rows[] = {
        {"", "the message file is empty"},
        {"From: a@b.org\nSubject: x\n", "no blank line"},
        {"Subject: x\n\nbody\n", "the message has no From"},
        {" folded first\n\nbody\n", "the message starts with a continuation"},
        {"From: a@b.org\nthis is not a header\n\nbody\n", "line 2 is not a header"},
        {"From: a@b.org\nSubject: " + std::string(1000, 'x') + "\n\nbody\n", "header line 2 is longer"},
        {"From: a@b.org\n\n" + std::string(1000, 'x') + "\n", "body line 3 is longer than 998"},
        // A long line in an attachment cannot be fixed by us: the template is wrong.
        {"From: a@b.org\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: image/png\n\n" +
             std::string(1000, 'x') + "\n--b--\n",
         "body line 7 is longer than 998"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.bytes.substr(0, 60));
        const MessageTemplate t = MessageTemplate::parse(row.bytes);
        EXPECT_FALSE(t.ok());
        EXPECT_EQ(t.problem().rfind(row.problemStart, 0), 0u) << t.problem();
    }
    // A long line in a personalised part is fine: it is sent quoted-printable.
    const MessageTemplate t = MessageTemplate::parse("From: a@b.org\n\n{{name}}" + std::string(1000, 'x') + "\n");
    ASSERT_TRUE(t.ok()) << t.problem();
    expectWireLines(t.compose(PersonalHeaders{}));
}

TEST(MessageTemplate, FormatsMailboxes)
{
    EXPECT_EQ(formatMailbox("", "a@b.org"), "<a@b.org>");
    EXPECT_EQ(formatMailbox("Ann Smith", "a@b.org"), "\"Ann Smith\" <a@b.org>");
    // "Zoë" in UTF-8, base64 "Wm/Dqw==".
    EXPECT_EQ(formatMailbox("Zo\xC3\xAB", "a@b.org"), "=?UTF-8?B?Wm/Dqw==?= <a@b.org>");
}

// Not a timing assertion: measures compose() on a 10 KiB multipart template and records
// the figure (see --gtest_output=xml, property us_per_message).
TEST(MessageTemplate, ComposeSpeedOnTenKibTemplate)
{
    std::string paragraph;
    for (int i = 0; i < 84; ++i)
        paragraph += "Dear {{name}}, this line of news is about sixty octets long.\n";
    const std::string text = std::string() +
        "From: News <news@example.org>\nSubject: News for {{name}}\nMIME-Version: 1.0\n"
        "Content-Type: multipart/alternative; boundary=b\n\n"
        "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" +
        paragraph + "--b\nContent-Type: text/html; charset=utf-8\n\n<p>" + paragraph +
        "<a href=\"{{unsubscribe_url}}\">unsubscribe</a></p>\n--b--\n";
    ASSERT_GT(text.size(), 10240u);
    const MessageTemplate t = MessageTemplate::parse(text);
    ASSERT_TRUE(t.ok()) << t.problem();
    const PersonalHeaders headers = buildPersonalHeaders(zoeHeaders());
    const Personalization values = zoe();
    constexpr int kRounds = 2000;
    std::size_t bytes = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i)
        bytes += t.compose(headers, values).size();
    const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_GT(bytes, 10240u * kRounds);
    RecordProperty("us_per_message", std::to_string(elapsed.count() / kRounds));
    RecordProperty("message_bytes", std::to_string(bytes / kRounds));
}

} // namespace
} // namespace verpmail
