# Man pages (docs/man/*.scd, rendered with scdoc) and bash completion
# (data/winipc.bash-completion), and their installation.
#
# WINIPC_MAN: ON needs scdoc (configure fails without it: CI and the Debian
# package use ON, so the pages are always built and checked there); AUTO
# builds them when scdoc is found, else leaves them out and the man page
# test reports itself skipped; OFF leaves them out.  Nothing generated is
# committed: the roff exists only in the build tree.
set(WINIPC_MAN AUTO CACHE STRING "Build the man pages with scdoc (ON, OFF, AUTO)")
set_property(CACHE WINIPC_MAN PROPERTY STRINGS ON OFF AUTO)

set(WINIPC_MAN_PAGES winipc.1 winipc.7 winipc-smbd-bridge.8)
set(WINIPC_MAN_BUILT OFF)
if(NOT WINIPC_MAN STREQUAL "OFF")
  find_program(WINIPC_SCDOC scdoc)
  if(WINIPC_SCDOC)
    set(WINIPC_MAN_BUILT ON)
  elseif(WINIPC_MAN STREQUAL "ON")
    message(FATAL_ERROR "WINIPC_MAN=ON but scdoc was not found "
                        "(Debian: apt-get install scdoc)")
  else()
    message(STATUS "scdoc not found: the man pages are not built "
                   "(-DWINIPC_MAN=ON to require them)")
  endif()
endif()

if(WINIPC_MAN_BUILT)
  set(_wipc_man_outputs "")
  foreach(_page ${WINIPC_MAN_PAGES})
    set(_src ${PROJECT_SOURCE_DIR}/docs/man/${_page}.scd)
    set(_out ${PROJECT_BINARY_DIR}/man/${_page})
    add_custom_command(OUTPUT ${_out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND ${WINIPC_SCDOC} < ${_src} > ${_out}
      DEPENDS ${_src}
      COMMENT "scdoc ${_page}"
      VERBATIM)
    list(APPEND _wipc_man_outputs ${_out})
    string(REGEX REPLACE ".*\\.([0-9])$" "\\1" _section ${_page})
    install(FILES ${_out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${_section})
  endforeach()
  add_custom_target(winipc_man ALL DEPENDS ${_wipc_man_outputs})
endif()

install(FILES ${PROJECT_SOURCE_DIR}/data/winipc.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME winipc)
