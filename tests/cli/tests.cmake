# CLI end-to-end tests: exit codes, outputs, and the SpatiaLite cross-check
# of the sample plan's output.
find_program(BASH bash REQUIRED)
add_test(NAME cli.exit_codes
  COMMAND ${BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_cli.sh $<TARGET_FILE:plancheck-cli>)
add_test(NAME cli.sample_crosscheck
  COMMAND ${BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_sample_crosscheck.sh
          $<TARGET_FILE:plancheck-cli> ${PROJECT_SOURCE_DIR})
add_test(NAME cli.rules_crosscheck
  COMMAND ${BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_rules_crosscheck.sh
          $<TARGET_FILE:plancheck-cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.rules_crosscheck PROPERTIES TIMEOUT 120)
add_test(NAME cli.bad_inputs
  COMMAND ${BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_bad_inputs.sh $<TARGET_FILE:plancheck-cli>)
add_test(NAME cli.signals
  COMMAND ${BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_signals.sh
          $<TARGET_FILE:plancheck-cli> ${PROJECT_SOURCE_DIR})
add_test(NAME cli.threads_deterministic
  COMMAND ${BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_threads.sh
          $<TARGET_FILE:plancheck-cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.signals cli.threads_deterministic PROPERTIES TIMEOUT 300)
add_test(NAME cli.valgrind
  COMMAND ${BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_valgrind.sh
          $<TARGET_FILE:plancheck-cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.valgrind PROPERTIES TIMEOUT 900 SKIP_RETURN_CODE 77
                     LABELS valgrind)
add_test(NAME cli.styles
  COMMAND ${BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_styles.sh
          $<TARGET_FILE:plancheck-cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.styles PROPERTIES TIMEOUT 120)
add_test(NAME cli.render
  COMMAND ${BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_render.sh
          $<TARGET_FILE:plancheck-cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.render PROPERTIES TIMEOUT 120)
