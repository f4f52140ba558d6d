#include "OneClickBody.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/String.h>

#include <exception>
#include <sstream>

namespace verpmail::web {
namespace {

constexpr const char* kField = "List-Unsubscribe";
constexpr const char* kValue = "One-Click";

/// The Content-Type HTMLForm is given: multipart/form-data with its boundary (Poco
/// compares the media type with case), anything else as the urlencoded form.
std::string normalisedContentType(std::string_view contentType)
{
    std::string mediaType;
    Poco::Net::NameValueCollection parameters;
    Poco::Net::MessageHeader::splitParameters(std::string(contentType), mediaType, parameters);
    if (Poco::icompare(Poco::trim(mediaType), Poco::Net::HTMLForm::ENCODING_MULTIPART) != 0)
        return Poco::Net::HTMLForm::ENCODING_URL;
    return Poco::Net::HTMLForm::ENCODING_MULTIPART + "; boundary=\"" + parameters.get("boundary", "") + "\"";
}

} // namespace

OneClick parseOneClick(std::string_view contentType, std::string_view body)
{
    const std::string type = normalisedContentType(contentType);
    const bool multipart = type != Poco::Net::HTMLForm::ENCODING_URL;
    // Only the body counts: a request built here has no query string to mix in.
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/");
    request.setContentType(type);
    Poco::Net::HTMLForm form;
    form.setFieldLimit(kMaxFields);
    form.setValueLengthLimit(kMaxValueBytes);
    try {
        if (multipart && type.find("boundary=\"\"") != std::string::npos)
            return OneClick::Malformed;
        std::istringstream in{std::string(body)};
        form.load(request, in);
    } catch (const Poco::Exception&) {
        return OneClick::Malformed;
    } catch (const std::exception&) {
        return OneClick::Malformed;
    }
    for (const auto& [name, value] : form) {
        if (Poco::icompare(name, kField) == 0 && Poco::icompare(Poco::trim(value), kValue) == 0)
            return OneClick::Requested;
    }
    return OneClick::Missing;
}

} // namespace verpmail::web
