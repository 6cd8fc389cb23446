# Shared helpers for ikesuite targets.

set(IKESUITE_WARNINGS -Wall -Wextra -Wshadow=local -Wnon-virtual-dtor -Wcast-qual
    -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  list(REMOVE_ITEM IKESUITE_WARNINGS -Wshadow=local)
  list(APPEND IKESUITE_WARNINGS -Wshadow-uncaptured-local)
endif()
if(IKESUITE_WERROR)
  list(APPEND IKESUITE_WARNINGS -Werror)
endif()

# ikesuite_library(<name> SOURCES ... [DEPS ...] [PUBLIC_DEPS ...])
# A static library whose include root is the repository, so headers are included as
# "engine/wire/reader.h".
function(ikesuite_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${IKESUITE_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_DEPS})
endfunction()

# ikesuite_executable(<name> SOURCES ... [DEPS ...])
function(ikesuite_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${IKESUITE_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

# ikesuite_test(<name> SOURCES ... DEPS ...): a GoogleTest executable whose cases ctest
# discovers one by one. Tests run with the repository root as working directory.
function(ikesuite_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  ikesuite_executable(${name} SOURCES ${ARG_SOURCES} DEPS ${ARG_DEPS} GTest::gtest GTest::gtest_main
                      GTest::gmock)
  target_compile_definitions(${name} PRIVATE IKESUITE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS unit)
endfunction()

# ikesuite_fuzzer(<target> SOURCES ... DEPS ... [DICT file]): builds fuzz_<target> with
# libFuzzer; its seed corpus lives in fuzz/corpus/<target>/ and its dictionary, when given,
# in fuzz/dict/.
function(ikesuite_fuzzer target)
  cmake_parse_arguments(ARG "" "DICT" "SOURCES;DEPS" ${ARGN})
  set(exe fuzz_${target})
  ikesuite_executable(${exe} SOURCES ${ARG_SOURCES} DEPS ${ARG_DEPS})
  target_link_options(${exe} PRIVATE -fsanitize=fuzzer)
  set_property(GLOBAL APPEND PROPERTY IKESUITE_FUZZERS ${target})
  if(ARG_DICT)
    set_property(GLOBAL APPEND PROPERTY IKESUITE_FUZZ_DICT_${target} ${ARG_DICT})
  endif()
endfunction()
