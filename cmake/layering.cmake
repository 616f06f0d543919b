# The layers of src/ point down (tests/layering/check_layers.py;
# docs/architecture.md).  The check runs after every build of the static
# library, so a file that includes or calls a higher layer fails the build;
# ctest runs it again (tests/layering), beside a test that the checker
# itself finds each kind of violation.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_custom_command(TARGET winipc_static POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E env NM=${CMAKE_NM}
            ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/layering/check_layers.py
            ${PROJECT_SOURCE_DIR} "$<TARGET_OBJECTS:winipc_static>"
    COMMAND_EXPAND_LISTS VERBATIM
    COMMENT "Checking that the layers of src/ point down")
else()
  message(WARNING "python3 not found: the layering check of src/ cannot run")
endif()
