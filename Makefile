# vetted: `make` builds, `make test` runs every test, `make demo` serves the demo site.
BUILD ?= build
LISTEN ?= 127.0.0.1:8080
DB ?= vetted.db
STAMP := $(BUILD)/.deps-installed

.PHONY: all vetted deps test demo bench soak clean format
all: vetted

$(STAMP): scripts/install-deps.sh $(wildcard e2e/package.json)
	bash scripts/install-deps.sh
	@mkdir -p $(BUILD) && touch $@

deps: $(STAMP)

$(BUILD)/build.ninja: CMakeLists.txt $(STAMP)
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

vetted: $(BUILD)/build.ninja
	cmake --build $(BUILD)

test: vetted
	cd $(BUILD) && ctest --output-on-failure -j2

demo: vetted
	$(BUILD)/vetted import demo --db $(DB)
	LISTEN=$(LISTEN) bash scripts/demo-accounts.sh $(BUILD)/vetted $(DB)
	$(BUILD)/vetted serve --db $(DB) --listen $(LISTEN)

bench: vetted
	bash bench/build-vs-hugo.sh

# The long runs of docs/reliability.md. CRASH_RESTARTS: SIGKILL restarts of the crash loop (50);
# CRASH_DB: a store address for it (default: a new SQLite file), e.g. postgresql:///postgres?host=DIR.
CRASH_RESTARTS ?= 50
CRASH_DB ?=
soak: vetted
	python3 tests/soak/crash-loop.py --vetted $(BUILD)/vetted --restarts $(CRASH_RESTARTS) \
	  $(if $(CRASH_DB),--db '$(CRASH_DB)')

format:
	clang-format -i $$(find src tests fuzz bench -name "*.cc" -o -name "*.h" | grep -v node_modules)

clean:
	rm -rf $(BUILD)
