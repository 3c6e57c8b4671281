# Harrier: the commands a new user and CI run.
#   make scan    install deps, build, scan this host (/) with the built-in signatures
#   make test    install deps, build, run every test (unit + end-to-end)
#   make build   build only (binary at build/harrier)
#   make bench   build and run the benchmarks in bench/
#   make mutants apply each curated mutation, rebuild, check the tests catch it
#   make test-asan  every test under ASan + UBSan (own build tree, slow)
#   make fuzz-campaign  every libFuzzer target for 30 CPU-minutes (clang build-fuzz; hours)
#   make dist    one statically linked dist/harrier with its signatures inside
#   make deb     dist/harrier_VERSION_amd64.deb of that binary
#   make test-dist  build both and test them (chroot, dpkg --root)
#   make windows        build-win/harrier.exe: static Windows x64 build (mingw-w64)
#   make test-windows   build it and its unit tests, run them and the end-to-end tests under wine
#   make install PREFIX=/usr/local
PREFIX ?= /usr/local
BUILD ?= build
JOBS ?= $(shell nproc)
# The repository's own build trees hold test binaries with synthetic indicators.
SCAN_ARGS ?= / --exclude '$(CURDIR)/build*'
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: deps build scan test test-asan bench install clean fuzz-campaign mutants dist deb test-dist \
  windows-deps windows test-windows

deps:
	./scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Exit code 1 (findings) and 3 (incomplete, e.g. unreadable files as non-root)
# are results, not build failures: report them without failing make.
scan: build
	@./$(BUILD)/harrier scan $(SCAN_ARGS); rc=$$?; \
	  echo "harrier exit code: $$rc (0 clean, 1 findings, 2 usage error, 3 incomplete)"; \
	  [ $$rc -ne 2 ]

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer,
# in its own build tree (build-asan). Not run by .ci/run (see README).
ASAN_BUILD ?= build-asan
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DHARRIER_SANITIZE=address,undefined -DHARRIER_BUILD_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:suppressions=$(CURDIR)/fuzz/asan-suppressions.txt \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 1200

# libFuzzer + ASan + UBSan targets (clang, build-fuzz), each run for
# FUZZ_CPU_S CPU seconds (default 1800) with FUZZ_PARALLEL at once at nice 19;
# results in build-fuzz/campaign/results.tsv (docs/fuzzing.md). Not run by CI.
FUZZ_CPU_S ?= 1800
FUZZ_PARALLEL ?= 2
fuzz-campaign: build
	./scripts/fuzz-campaign.sh -t $(FUZZ_CPU_S) -j $(FUZZ_PARALLEL) $(FUZZ_TARGETS)

bench: build
	./bench/run.sh

# Curated mutations of core logic, each must be caught by the tests it names
# (scripts/mutants.txt); ~1 min per mutation on 2 cores. Not run by CI.
mutants: build
	./scripts/mutants.sh

# The self-contained binary (docs/install.md): static, signatures and their
# compiled sets inside, stripped. Own build tree; shares ccache objects with
# the normal build (same build type).
DIST_BUILD ?= build-dist
dist: deps
	./scripts/build-static-curl.sh $(DIST_BUILD)/deps/curl
	cmake -S . -B $(DIST_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHARRIER_STATIC=ON \
	  -DHARRIER_BUILD_TESTS=OFF -DHARRIER_BUILD_BENCH=OFF
	cmake --build $(DIST_BUILD) -j $(JOBS) --target harrier-dist
	mkdir -p dist
	strip -R .comment -o dist/harrier.tmp $(DIST_BUILD)/harrier-dist && mv dist/harrier.tmp dist/harrier
	@ls -l dist/harrier

VERSION ?= $(shell awk '/^project.harrier VERSION/ {print $$3}' CMakeLists.txt)
deb: dist
	./scripts/make-deb.sh dist/harrier $(VERSION) dist

# The static binary alone in an empty chroot, and the package installed and
# removed in a private dpkg root (tests/dist/run.sh). Needs root (chroot).
test-dist: deb
	./tests/dist/run.sh dist/harrier dist/harrier_$(VERSION)_amd64.deb

# The Windows build (docs/install.md, "Windows"): cross-built with mingw-w64
# in its own tree; the libraries are built from Debian source packages once
# into WIN_DEPS (about 14 minutes on 2 cores the first time, then cached:
# the script does nothing for a library already there). Not run by CI.
WIN_BUILD ?= build-win
WIN_DEPS ?= $(HOME)/.cache/harrier/windows-deps
WIN_JOBS ?= 2
windows-deps:
	./scripts/install-windows-deps.sh
	JOBS=$(WIN_JOBS) nice -n 10 ./scripts/build-windows-deps.sh $(WIN_DEPS)

$(WIN_BUILD)/build.ninja:
	cmake -S . -B $(WIN_BUILD) -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/mingw64.cmake \
	  -DHARRIER_WIN_DEPS=$(WIN_DEPS) -DCMAKE_BUILD_TYPE=Release -DHARRIER_BUILD_BENCH=OFF

# harrier.exe, and build-win/package/: the stripped harrier.exe with the
# built-in rules beside it (rules\), the folder to copy to a Windows host.
windows: windows-deps $(WIN_BUILD)/build.ninja
	nice -n 10 cmake --build $(WIN_BUILD) -j $(WIN_JOBS) --target harrier
	rm -rf $(WIN_BUILD)/package && mkdir -p $(WIN_BUILD)/package
	x86_64-w64-mingw32-strip -o $(WIN_BUILD)/package/harrier.exe $(WIN_BUILD)/harrier.exe
	cp -r rules $(WIN_BUILD)/package/rules
	@ls -l $(WIN_BUILD)/harrier.exe $(WIN_BUILD)/package/harrier.exe

# The unit tests (tests/windows/CMakeLists.txt) and the end-to-end tests
# (tests/windows/run.sh) under wine, with a wine prefix in the build tree.
test-windows: windows
	nice -n 10 cmake --build $(WIN_BUILD) -j $(WIN_JOBS) --target harrier_windows_unit_tests \
	  harrier_live_helper
	@test -f $(WIN_BUILD)/wine/system.reg || \
	  WINEPREFIX=$(CURDIR)/$(WIN_BUILD)/wine WINEDEBUG=-all wineboot --init >/dev/null 2>&1
	cd $(WIN_BUILD) && WINEPREFIX=$(CURDIR)/$(WIN_BUILD)/wine WINEDEBUG=-all \
	  WINEDLLOVERRIDES="mscoree,mshtml=" wine ./tests/windows/harrier_windows_unit_tests.exe
	./tests/windows/run.sh $(WIN_BUILD)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD)
