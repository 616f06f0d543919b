# The two set-up commands of the README, and a few more.  Each configures
# the build tree on first use, so a fresh clone needs nothing else.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all build test demo install conformance-refresh bench clean

all: build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# As root, the shared namespace root is made first, as the tmpfiles.d entry
# makes it at boot: some tests run parts as other users, and the first
# process to make it owns it (docs/security.md).
test: build
	@if [ "$$(id -u)" = 0 ] && [ ! -e /tmp/.winipc ]; then \
	    install -d -m 1777 -o root -g root /tmp/.winipc; fi
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

demo: build
	sh examples/demo.sh $(BUILD)

install: build
	cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX),)

conformance-refresh:
	sh tests/conformance/refresh.sh

# The named-pipe benchmark table (its own Release tree, build-bench).
bench:
	sh bench/run.sh

clean:
	rm -rf $(BUILD)
