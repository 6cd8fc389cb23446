# The IKEv1 engine fuzzer's driver library (driver.h), shared by the fuzz target
# (fuzz/ikev1_engine) and, in the normal build, by the corpus replay test (tests/ikev1).
if(NOT TARGET ikev1_engine_driver)
  ikesuite_library(ikev1_engine_driver
    SOURCES ${PROJECT_SOURCE_DIR}/fuzz/ikev1_engine/driver.cc
    PUBLIC_DEPS ikesuite_ikev1 ikesuite_clock ikesuite_net ikesuite_sa ikesuite_crypto
                ikesuite_wire)
endif()
