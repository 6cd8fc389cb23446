# The engine fuzzer's driver library (program format and World), shared by the fuzz target
# (fuzz/ikev2_engine) and, in the normal build, by the corpus replay tests and the corpus
# generator (tests/ikev2_fuzz).
if(NOT TARGET ikev2_engine_driver)
  ikesuite_library(ikev2_engine_driver
    SOURCES ${PROJECT_SOURCE_DIR}/fuzz/ikev2_engine/program.cc
            ${PROJECT_SOURCE_DIR}/fuzz/ikev2_engine/driver.cc
    PUBLIC_DEPS ikesuite_ikev2 ikesuite_clock ikesuite_net ikesuite_sa ikesuite_crypto
                ikesuite_wire)
endif()
