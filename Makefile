# vmpostmortem: the commands a user and CI run. CMake does the building;
# this file only names the steps (in the style of neovim's Makefile).
#
#   make            build build/vmpostmortem (optimised)
#   make sample     build, then render samples/seed-incident into seed-postmortem.pdf
#   make test       build and run every test (unit, CLI, fuzz corpora, scenarios)
#   make bench      run the benchmarks and print their figures
#   make eval DIR=../shared/realdata [MODE=both] [INPUT=csv]   score analyze on labelled cases
#   make install PREFIX=/usr/local
#   make deps       install the Debian packages the build needs (when missing)
#
# WERROR=ON makes warnings errors; SANITIZE=ON builds with ASan+UBSan into
# build-asan/. BUILD_TYPE sets the CMake build type (default Release).

PREFIX ?= /usr/local
BUILD_TYPE ?= Release
WERROR ?= OFF
SANITIZE ?= OFF
BUILD_DIR ?= $(if $(filter ON,$(SANITIZE)),build-asan,build)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

DEPS := cmake make gcc pkg-config python3 libsqlite3-dev sqlite3 libcairo2-dev \
	libhpdf-dev libcsv-dev libcmark-dev libcmocka-dev libfontconfig-dev libfreetype-dev fonts-dejavu-core \
	tzdata poppler-utils qpdf

SAMPLE_OUT ?= seed-postmortem.pdf

.PHONY: all build deps sample test bench eval install clean distclean

all: build

deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing \
		|| { echo "could not install:" $$missing "- install them with apt-get and run make again"; exit 1; }; \
	fi

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) -DVMPM_WERROR=$(WERROR) -DVMPM_SANITIZE=$(SANITIZE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) -DVMPM_WERROR=$(WERROR) -DVMPM_SANITIZE=$(SANITIZE) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

sample: build
	$(BUILD_DIR)/vmpostmortem report --customer "Example customer" \
		--events samples/seed-incident/events.csv -o $(SAMPLE_OUT) \
		samples/seed-incident/vm1.csv
	@echo "wrote $(SAMPLE_OUT)" 

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	sh tests/bench/run.sh $(BUILD_DIR)

# Score `analyze` on a folder of labelled cases (tests/eval/README.md): DIR of
# <case>/truth.json (../shared/realdata, unpacked semireal) or a scenario suite.
MODE ?= both
INPUT ?= csv
ifneq ($(filter eval,$(MAKECMDGOALS)),)
ifeq ($(DIR),)
$(error usage: make eval DIR=FOLDER [MODE=blind|at|both] [INPUT=csv|sqlite])
endif
endif
eval: build
	python3 tests/eval/score.py $(BUILD_DIR)/vmpostmortem $(DIR) --mode $(MODE) --input $(INPUT) --jobs $(JOBS)

install: build
	cmake --install $(BUILD_DIR)

clean:
	rm -rf build build-asan

distclean: clean
