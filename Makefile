# replytime: the verbs.  The real build is CMake (CMakeLists.txt); this
# file only names the steps.
#
#   make            build (installs missing Debian packages first)
#   make demo       build, demo mail for a fictional company, its report, and
#                   the dashboard on it (scripts/demo.sh; DEMO_LISTEN)
#   make check      every test: unit, sanitizers, fuzz, lint (what CI runs)
#   make sanitize   build and test with ASan+UBSan only
#   make fuzz       build the libFuzzer targets; FUZZ_SECONDS per target
#   make lint       banned functions and cppcheck
#   make bench      the benchmarks in bench/ (needs ../shared/corpora)
#   make install    install to PREFIX (default /usr/local)

PREFIX ?= /usr/local
FUZZ_SECONDS ?= 60

all: build

deps:
	scripts/deps.sh build

build: deps
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	ninja -C build

DEMO_MESSAGES ?= 5000
DEMO_LISTEN ?= 127.0.0.1:8080

demo: build
	DEMO_MESSAGES=$(DEMO_MESSAGES) DEMO_LISTEN=$(DEMO_LISTEN) scripts/demo.sh

check:
	scripts/check.sh

sanitize:
	scripts/deps.sh test
	cmake -S . -B build-san -G Ninja -DRT_SANITIZE=ON -DRT_GMIME=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
	ninja -C build-san
	ctest --test-dir build-san --output-on-failure

fuzz:
	scripts/deps.sh test
	CC=clang-14 cmake -S . -B build-fuzz -G Ninja -DRT_FUZZ=ON >/dev/null
	ninja -C build-fuzz
	for f in build-fuzz/fuzz_*; do \
		n=$$(basename $$f); d=$$(mktemp -d); \
		$$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 $$d tests/fuzz/corpus/$${n#fuzz_} || exit 1; \
		rm -rf $$d; \
	done

lint:
	scripts/deps.sh test
	scripts/lint.sh all

bench: build
	bench/run.sh
	bench/report.sh
	bench/store.sh
	bench/views.sh
	bench/api.sh

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 build/replytime $(DESTDIR)$(PREFIX)/bin/replytime
	install -m 644 docs/replytime.1 $(DESTDIR)$(PREFIX)/share/man/man1/replytime.1

clean:
	rm -rf build build-san build-fuzz build-logs

.PHONY: all deps build demo check sanitize fuzz lint bench install clean
