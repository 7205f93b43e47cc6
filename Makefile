# vetted: `make` builds, `make test` runs every test, `make demo` serves the demo site.
BUILD ?= build
LISTEN ?= 127.0.0.1:8080
DB ?= vetted.db
STAMP := $(BUILD)/.deps-installed
# make test's second run: the same tests built with AddressSanitizer + UBSan (docs/reliability.md, Sanitizers).
ASAN_BUILD ?= build-asan
# Not run under ASan, each with its reason in docs/reliability.md: the style checks (compiler-independent)
# and the load benchmarks (label stress: timings under ASan mean nothing); PageCacheTest's malloc comparison
# skips itself. ASAN_EXCLUDE: a ctest regex of further tests to leave out (none now).
ASAN_EXCLUDE ?= ^$$
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: all vetted deps test test-asan fuzz demo bench soak clean format
all: vetted

$(STAMP): scripts/install-deps.sh $(wildcard e2e/package.json)
	bash scripts/install-deps.sh
	@mkdir -p $(BUILD) && touch $@

deps: $(STAMP)

$(BUILD)/build.ninja: CMakeLists.txt $(STAMP)
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

vetted: $(BUILD)/build.ninja
	cmake --build $(BUILD)

# The second run: the same tests built with ASan + UBSan (make test-asan; docs/reliability.md, Sanitizers).
# On by default; SANITIZE=0 leaves it out (a quick local run).
SANITIZE ?= 1
test: vetted
	cd $(BUILD) && ctest --output-on-failure -j2
ifneq ($(SANITIZE),0)
	$(MAKE) test-asan
endif

$(ASAN_BUILD)/build.ninja: CMakeLists.txt $(STAMP)
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Asan -DVETTED_SANITIZE=ON \
	      -DCMAKE_CXX_FLAGS_ASAN="-O1 -g1" -DCMAKE_C_FLAGS_ASAN="-O1 -g1"

test-asan: $(ASAN_BUILD)/build.ninja
	nice -n 10 cmake --build $(ASAN_BUILD) -j2
	cd $(ASAN_BUILD) && $(ASAN_ENV) ctest --output-on-failure -j2 -LE '^(style|stress)$$' -E '$(ASAN_EXCLUDE)'

demo: vetted
	$(BUILD)/vetted import demo --db $(DB)
	LISTEN=$(LISTEN) bash scripts/demo-accounts.sh $(BUILD)/vetted $(DB)
	$(BUILD)/vetted serve --db $(DB) --listen $(LISTEN)

# Every libFuzzer target (fuzz/README.md) for FUZZ_SECONDS each; fails on a crash, leak or timeout.
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

bench: vetted
	bash bench/build-vs-hugo.sh

# The long runs of docs/reliability.md. CRASH_RESTARTS: SIGKILL restarts of the crash loop (50);
# CRASH_DB: a store address for it (default: a new SQLite file), e.g. postgresql:///postgres?host=DIR.
# SOAK_SECONDS: the soak of readers, feedback and editors (600); CONNECTIONS_SECONDS: the run of 1,000
# keep-alive connections (60).
CRASH_RESTARTS ?= 50
CRASH_DB ?=
SOAK_SECONDS ?= 600
CONNECTIONS_SECONDS ?= 60
soak: vetted
	python3 tests/soak/crash-loop.py --vetted $(BUILD)/vetted --restarts $(CRASH_RESTARTS) \
	  $(if $(CRASH_DB),--db '$(CRASH_DB)')
	VETTED=$(BUILD)/vetted CONNECTIONS=1000 DURATION=$(CONNECTIONS_SECONDS) bash bench/connections.sh
	VETTED=$(BUILD)/vetted SOAK_SECONDS=$(SOAK_SECONDS) bash bench/soak.sh

format:
	clang-format -i $$(find src tests fuzz bench -name "*.cc" -o -name "*.h" | grep -v node_modules)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
