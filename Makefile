# The two entry points of the README: `make demo` and `make test`.
# Both install their dependencies first (packaging/install-deps.sh, idempotent).
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps test-deps build demo test test-asan install package clean

all: build

deps:
	bash packaging/install-deps.sh

test-deps:
	bash packaging/install-deps.sh --with-tests

build: deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

# A quick-start on embedded defaults: local cache, local remote, SQLite, local executor.
demo: build
	bash packaging/demo.sh $(BUILD)/cli/mlops

# Every suite through CTest: unit tests, black-box CLI suites, remote conformance.
test: test-deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: test-deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DMLOPS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

install: build
	cmake --install $(BUILD)

package: build
	cd $(BUILD) && cpack

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
