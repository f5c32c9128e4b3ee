# Fuzz targets (tests/fuzz/): the plan-file parser and geometry intake.
# Every build replays the committed corpus and the inputs that once crashed
# (regress/) as ordinary tests; with -DPLANCHECK_FUZZ=ON (clang) the same
# targets are also built as libFuzzer programs (scripts/fuzz.sh runs them).
foreach(target plan intake)
  add_executable(fuzz_${target}_replay
    ${CMAKE_CURRENT_LIST_DIR}/fuzz_${target}.c
    ${CMAKE_CURRENT_LIST_DIR}/fuzz_main.c)
  target_link_libraries(fuzz_${target}_replay PRIVATE plancheck)
  target_compile_options(fuzz_${target}_replay PRIVATE ${PC_TEST_WARNINGS})
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/regress/${target})
  add_test(NAME fuzz.${target}_corpus
    COMMAND fuzz_${target}_replay ${CMAKE_CURRENT_LIST_DIR}/corpus/${target}
            ${CMAKE_CURRENT_LIST_DIR}/regress/${target})
  set_tests_properties(fuzz.${target}_corpus PROPERTIES LABELS fuzz)
  if(PLANCHECK_FUZZ)
    add_executable(fuzz_${target} ${CMAKE_CURRENT_LIST_DIR}/fuzz_${target}.c)
    target_link_libraries(fuzz_${target} PRIVATE plancheck)
    target_compile_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
  endif()
endforeach()
