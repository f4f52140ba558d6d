# Install.cmake: what `cmake --install` puts where, in Debian's layout (GNUInstallDirs:
# CMAKE_INSTALL_PREFIX, default /usr/local, and DESTDIR are honoured).
#
#   bin/verpmail-send                    a user's command (man1)
#   sbin/verpmail-bouncer                the daemon Postfix delivers to, never run by users (man8)
#   sbin/verpmail-admin                  migrations, accounts, purge: the administrator's (man8)
#   sbin/verpmail-web                    the one-click unsubscribe server, a daemon (man8)
#   share/man/man{1,8}/                  built by man/ from the --help texts
#   share/doc/verpmail/README.md
#   share/doc/verpmail/examples/         postfix-conf/*, docs/examples/*, the systemd units
#   share/verpmail/sql/                  the migrations, to read (db migrate has them compiled in)
#   share/verpmail/postfix-setup         wires a bounce domain into a Postfix configuration
#
# The configuration stays in /etc/verpmail whatever the prefix: the programs look there.
# The examples that name the bouncer's path (the unit, master.cf, postfix-setup) are
# written with the configured prefix's path, so set CMAKE_INSTALL_PREFIX when configuring.
include(GNUInstallDirs)

set(VERPMAIL_DOC_DIR ${CMAKE_INSTALL_FULL_DOCDIR})
set(VERPMAIL_EXAMPLES_DIR ${CMAKE_INSTALL_FULL_DOCDIR}/examples)
set(VERPMAIL_SBIN_DIR ${CMAKE_INSTALL_FULL_SBINDIR})
set(VERPMAIL_SQL_DIR ${CMAKE_INSTALL_FULL_DATADIR}/verpmail/sql)

install(TARGETS verpmail-send RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS verpmail-bouncer verpmail-admin verpmail-web RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})

# verpmail_copy_with_bouncer_path(SOURCE OUT): SOURCE with the default paths of the
# bouncer and the web server replaced by the ones this install puts them at.
function(verpmail_copy_with_bouncer_path source out)
  file(READ ${source} text)
  string(REPLACE "/usr/local/sbin/verpmail-bouncer" "${VERPMAIL_SBIN_DIR}/verpmail-bouncer" text "${text}")
  string(REPLACE "/usr/local/sbin/verpmail-web" "${VERPMAIL_SBIN_DIR}/verpmail-web" text "${text}")
  file(WRITE ${out}.in "${text}")
  configure_file(${out}.in ${out} COPYONLY)
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
endfunction()

set(staged ${CMAKE_BINARY_DIR}/install-staged)
verpmail_copy_with_bouncer_path(${PROJECT_SOURCE_DIR}/postfix-conf/verpmail-lmtp.service ${staged}/verpmail-lmtp.service)
verpmail_copy_with_bouncer_path(${PROJECT_SOURCE_DIR}/postfix-conf/verpmail-web.service ${staged}/verpmail-web.service)
verpmail_copy_with_bouncer_path(${PROJECT_SOURCE_DIR}/postfix-conf/master.cf.verpmail ${staged}/master.cf.verpmail)
verpmail_copy_with_bouncer_path(${PROJECT_SOURCE_DIR}/scripts/postfix-setup ${staged}/postfix-setup)

install(FILES
  ${PROJECT_SOURCE_DIR}/postfix-conf/README.md
  ${PROJECT_SOURCE_DIR}/postfix-conf/main.cf.verpmail
  ${PROJECT_SOURCE_DIR}/postfix-conf/transport.example
  ${PROJECT_SOURCE_DIR}/postfix-conf/verpmail_recipient_access
  ${PROJECT_SOURCE_DIR}/postfix-conf/verpmail_tokens.regexp
  ${staged}/master.cf.verpmail
  ${staged}/verpmail-lmtp.service
  ${staged}/verpmail-web.service
  ${PROJECT_SOURCE_DIR}/docs/examples/verpmail.properties
  ${PROJECT_SOURCE_DIR}/docs/examples/my.cnf
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
file(GLOB VERPMAIL_SQL_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sql/[0-9][0-9][0-9]_*.sql)
install(FILES ${VERPMAIL_SQL_FILES} DESTINATION ${CMAKE_INSTALL_DATADIR}/verpmail/sql)
install(PROGRAMS ${staged}/postfix-setup DESTINATION ${CMAKE_INSTALL_DATADIR}/verpmail)

add_subdirectory(${PROJECT_SOURCE_DIR}/man ${CMAKE_BINARY_DIR}/man)
