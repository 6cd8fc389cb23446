# The one entry point: `make run` runs every scenario in sim mode and writes the report,
# `make test` runs every test. Each installs what is missing and builds first.
BUILD      ?= build
FUZZ_BUILD ?= build-fuzz
CMAKE_ARGS ?=
FUZZ_SECONDS ?= 0
JOBS       ?= $(shell nproc)
CTEST_JOBS ?= 2

.PHONY: all setup build test fuzz fuzz-build fuzz-campaign bench run netns interop interop-setup interop-smoke clean

all: build

setup:
	@scripts/setup.sh build

build:
	@scripts/setup.sh build
	@[ -f $(BUILD)/build.ninja ] || cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)

# The tests include the netns and interop suites (as root): their peers are installed here.
test: build interop-setup
	@scripts/setup.sh test browser
	ctest --test-dir $(BUILD) -j $(CTEST_JOBS) --output-on-failure

run: build
	$(BUILD)/harness/ikesuite run --keep-going --jobs 2 --out reports/latest

bench: build
	scripts/run-benchmarks.sh $(BUILD)

fuzz-build:
	@scripts/setup.sh build fuzz
	@[ -f $(FUZZ_BUILD)/build.ninja ] || CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DIKESUITE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

# Runs every fuzz target once over its seed corpus (a regression test; CI does this).
fuzz: fuzz-build
	scripts/fuzz.sh regress $(FUZZ_BUILD)

# A real campaign: FUZZ_SECONDS per target (default 120), new inputs kept under build-fuzz/.
fuzz-campaign: fuzz-build
	scripts/fuzz.sh campaign $(FUZZ_BUILD) $(if $(filter 0,$(FUZZ_SECONDS)),120,$(FUZZ_SECONDS))

# Every sim scenario in netns mode (root): reports/netns/.
netns: build
	@scripts/setup.sh netns
	$(BUILD)/harness/ikesuite run --mode netns --keep-going --jobs 2 --out reports/netns

# What the interop runs need: strongSwan, nftables, and Libreswan extracted beside it
# (Debian's libreswan package would remove strongSwan).
interop-setup:
	@scripts/setup.sh interop
	@scripts/libreswan-extract.sh >/dev/null

# The interop suite against strongSwan 5.9 and Libreswan 4.10, with their recorded known
# deviations: reports/interop/.
interop: build interop-setup
	$(BUILD)/harness/ikesuite run --mode netns --keep-going --jobs 2 --out reports/interop \
	    $(foreach f,$(wildcard scenarios/interop/expected/*.deviations.json),--known-deviations $(f)) \
	    scenarios/interop

# ike-refd against a real strongSwan charon in two network namespaces, both roles (root).
interop-smoke: build
	scripts/interop-smoke.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
