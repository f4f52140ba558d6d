// ListenError: a server cannot listen where it was told to (an environment failure).
#pragma once

#include <stdexcept>

namespace verpmail {

class ListenError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace verpmail
