# verpmail_parser: the return parser (src/bounce) and the few util files it needs,
# as a library of its own. It links Poco::Foundation and Poco::JSON (and iconv from
# libc) only, so the fuzz target and any tool can build it without the database,
# SMTP or network libraries. Included by common/CMakeLists.txt and tests/fuzz.
file(GLOB VERPMAIL_PARSER_SOURCES CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_LIST_DIR}/src/bounce/*.cpp
     ${CMAKE_CURRENT_LIST_DIR}/src/util/Json*.cpp)
add_library(verpmail_parser STATIC ${VERPMAIL_PARSER_SOURCES})
target_include_directories(verpmail_parser PUBLIC ${CMAKE_CURRENT_LIST_DIR}/include)
target_link_libraries(verpmail_parser PUBLIC Poco::Foundation Poco::JSON)
