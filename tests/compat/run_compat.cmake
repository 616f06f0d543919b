# Runs one compat program with standard input from /dev/null and compares
# its output, and its exit status, with the expected transcript.
#   cmake -DPROGRAM=exe -DEXPECTED=file -DACTUAL=file [-DDIFF=diff]
#         -P run_compat.cmake
execute_process(COMMAND ${PROGRAM}
  INPUT_FILE /dev/null
  OUTPUT_VARIABLE out
  RESULT_VARIABLE status
  TIMEOUT 50)
set(actual "${out}exit status: ${status}\n")
file(WRITE ${ACTUAL} "${actual}")
if(NOT EXISTS ${EXPECTED})
  message(FATAL_ERROR "no expected transcript ${EXPECTED}: "
                      "run sh tests/compat/refresh.sh (needs MinGW and Wine)")
endif()
file(READ ${EXPECTED} expected)
if(NOT actual STREQUAL expected)
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u ${EXPECTED} ${ACTUAL})
  endif()
  message(FATAL_ERROR "${PROGRAM}: the output differs from Windows' (${EXPECTED})")
endif()
