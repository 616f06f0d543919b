# Runs one conformance scenario and compares its transcript with the
# expected one.  Called by ctest as
#   cmake -DSCENARIO=exe -DEXPECTED=file -DACTUAL=file -DWORKDIR=dir
#         [-DDIFF=diff] -P run_scenario.cmake
# Fails, printing a unified diff (expected -> actual), when they differ or
# when the scenario does not exit with 0.
foreach(var SCENARIO EXPECTED ACTUAL WORKDIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_scenario.cmake: ${var} is not set")
  endif()
endforeach()

execute_process(COMMAND ${SCENARIO}
  WORKING_DIRECTORY ${WORKDIR}
  OUTPUT_VARIABLE actual
  ERROR_VARIABLE errors
  RESULT_VARIABLE status
  TIMEOUT 100)
file(WRITE ${ACTUAL} "${actual}")
if(errors)
  message("--- the scenario's standard error:\n${errors}")
endif()

if(NOT EXISTS ${EXPECTED})
  message(FATAL_ERROR "no expected transcript ${EXPECTED}: "
                      "run 'make conformance-refresh' (needs MinGW and Wine)")
endif()
file(READ ${EXPECTED} expected)

set(failed "")
if(NOT status EQUAL 0)
  set(failed "the scenario ended with status '${status}'")
endif()
if(NOT actual STREQUAL expected)
  if(DIFF)
    get_filename_component(name ${EXPECTED} NAME)
    execute_process(COMMAND ${DIFF} -u --label expected/${name}
                            --label winipc ${EXPECTED} ${ACTUAL}
                    OUTPUT_VARIABLE d)
    message("--- transcript differs from Windows' (- Windows, + winipc):\n${d}")
  else()
    message("--- expected:\n${expected}\n--- actual:\n${actual}")
  endif()
  if(failed)
    set(failed "${failed}; ")
  endif()
  set(failed "${failed}the transcript differs from ${EXPECTED}")
endif()
if(failed)
  message(FATAL_ERROR "${failed}")
endif()
