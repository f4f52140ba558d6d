// OneClickBody: does a POST body ask for RFC 8058's one-click unsubscribe?
//
//   switch (parseOneClick(contentType, body)) {
//   case OneClick::Requested: ...   // "List-Unsubscribe=One-Click" is there
//   case OneClick::Missing:   ...   // a form, but without that field: 400
//   case OneClick::Malformed: ...   // not a form at all: 400
//   }
//
// Mailbox providers send the field as application/x-www-form-urlencoded or as
// multipart/form-data; both are read (any other or no Content-Type is read as the
// urlencoded form, which is what such a body always is). Field name and value are
// compared ignoring case. At most kMaxFields fields of kMaxValueBytes each are read.
// Never throws: bad input is a value.
#pragma once

#include <string_view>

namespace verpmail::web {

enum class OneClick
{
    Requested,
    Missing,
    Malformed,
};

inline constexpr int kMaxFields = 20;
inline constexpr int kMaxValueBytes = 1000;

OneClick parseOneClick(std::string_view contentType, std::string_view body);

} // namespace verpmail::web
