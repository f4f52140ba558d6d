# verpmail_embed_files(CPP KIND COMMENT FILE...): at build time, cmake/EmbedFiles.cmake
# writes CPP (a path in this directory's build tree) holding the FILEs, in name order,
# as the KIND (migrations, console) that file knows; rebuilt when any of them changes.
# The programs then need no source tree at run time.
function(verpmail_embed_files cpp kind comment)
  set(files ${ARGN})
  list(SORT files)
  # A ';' list would be split into separate arguments of the command: pass '|'.
  string(REPLACE ";" "|" files_arg "${files}")
  add_custom_command(
    OUTPUT ${cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${cpp} "-DFILES=${files_arg}" -DKIND=${kind}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    COMMENT "${comment}"
    VERBATIM)
endfunction()
