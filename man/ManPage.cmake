# ManPage.cmake: writes one manual page from a program's --help text with help2man.
# Run at build time by man/CMakeLists.txt:
#   cmake -DHELP2MAN=... -DFILTER=man/help-for-man -DPROGRAM=bin/verpmail-send
#         -DNAME=verpmail-send -DVERSION=0.1.0 -DSECTION=1 -DINCLUDE=man/verpmail-send.h2m
#         -DOUT=verpmail-send.1 -P ManPage.cmake
# The one-line description comes from the help's own NAME paragraph, so the page and
# --help never disagree about what the program is.
foreach(var HELP2MAN FILTER PROGRAM NAME VERSION SECTION INCLUDE OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "ManPage.cmake: ${var} is not set")
  endif()
endforeach()

execute_process(COMMAND ${PROGRAM} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} --help exited ${rc}")
endif()
if(NOT help MATCHES "NAME\n +${NAME} +- +([^\n]+)\n")
  message(FATAL_ERROR "${PROGRAM} --help has no NAME paragraph \"${NAME} - what it does\"")
endif()
set(description "${CMAKE_MATCH_1}")

set(ENV{VERPMAIL_MAN_PROGRAM} "${PROGRAM}")
execute_process(
  COMMAND ${HELP2MAN} --no-info --section=${SECTION} --name=${description}
          "--version-string=${NAME} ${VERSION}" "--source=verpmail ${VERSION}"
          --include=${INCLUDE} --output=${OUT}.tmp ${FILTER}
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man for ${NAME} failed: ${err}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
