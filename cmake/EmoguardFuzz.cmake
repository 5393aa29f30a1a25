# emoguard_add_fuzzer(NAME SOURCE LIBS...): a libFuzzer target when EMOGUARD_FUZZ is on, and
# always a replay executable that runs fuzz/corpus/NAME and fuzz/regressions/NAME in ctest.
function(emoguard_add_fuzzer name source)
  set(libs ${ARGN})
  if(EMOGUARD_FUZZ)
    add_executable(fuzz_${name} ${source})
    target_link_libraries(fuzz_${name} PRIVATE ${libs} emoguard::flags)
    target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  endif()
  if(EMOGUARD_BUILD_TESTS)
    add_executable(replay_${name} ${source} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cpp)
    target_link_libraries(replay_${name} PRIVATE ${libs} emoguard::flags)
    if(EMOGUARD_FUZZ)
      # libFuzzer-instrumented objects still need its coverage callbacks at link time.
      target_compile_options(replay_${name} PRIVATE -fsanitize=fuzzer-no-link)
    endif()
    add_test(NAME fuzz_replay.${name}
      COMMAND replay_${name} ${PROJECT_SOURCE_DIR}/fuzz/corpus/${name} ${PROJECT_SOURCE_DIR}/fuzz/regressions/${name})
    set_tests_properties(fuzz_replay.${name} PROPERTIES TIMEOUT 300 LABELS fuzz)
  endif()
endfunction()
