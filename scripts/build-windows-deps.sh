#!/usr/bin/env bash
# Cross-builds the static libraries of the Windows harrier.exe (make windows)
# from Debian source packages with the mingw-w64 toolchain, into PREFIX:
# OpenSSL, libyara (with OpenSSL: hash and pe/Authenticode), RE2, SQLite,
# libarchive (zlib only) and GoogleTest (for make test-windows). CLI11,
# nlohmann-json and fmt are header-only: their headers are copied to
# PREFIX/hdr/include (adding the build machine's /usr/include to a mingw build
# would pull in glibc's headers).
#   usage: build-windows-deps.sh PREFIX
# Cached: each library leaves PREFIX/.built/NAME-VERSION and is skipped when
# that exists, so a second run does nothing. Every downloaded source file is
# checked against the SHA-256 pinned below; a file the mirror does not serve
# stops the build with a message naming it. Needs the packages and the deb-src
# lines of scripts/install-windows-deps.sh. Uses JOBS parallel jobs (default 2).
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 PREFIX" >&2; exit 2; }
prefix=$(realpath -m "$1")
jobs=${JOBS:-2}
here=$(cd "$(dirname "$0")" && pwd)
toolchain=$here/../cmake/mingw64.cmake
host=x86_64-w64-mingw32

# Pinned source packages: apt-get source argument, then each file and its
# SHA-256. yara comes from trixie (bookworm's 4.2.3 files are not served by
# the mirror); openssl is bookworm's 3.0.17 (the security update's .dsc is
# not served either).
declare -A SPEC=(
  [openssl]="openssl=3.0.17-1~deb12u2"
  [yara]="yara=4.5.2-1"
  [re2]="re2=20220601+dfsg-1"
  [sqlite3]="sqlite3=3.40.1-2+deb12u2"
  [libarchive]="libarchive=3.6.2-1+deb12u5"
)
SHA256=(
  "openssl_3.0.17-1~deb12u2.dsc 8eff0f04976f65df9a00507f286c18f42644d73124e3844258f037ff47c4f6cf"
  "openssl_3.0.17-1~deb12u2.debian.tar.xz e5b4c3e1b9caad2da53572fe2b4c7ce027ec17e778630f342d194608472d52f1"
  "openssl_3.0.17.orig.tar.gz dfdd77e4ea1b57ff3a6dbde6b0bdc3f31db5ac99e7fdd4eaf9e1fbb6ec2db8ce"
  "yara_4.5.2-1.dsc a5d4f29b848b49d97afd79e48bac666f7d4b40887710a8bacafad2de9ba63664"
  "yara_4.5.2-1.debian.tar.xz 327cdeeb5eff27ef398f1ac99e3efb03d3c01832429aa233d2eaa1464fed33b0"
  "yara_4.5.2.orig.tar.gz 1f87056fcb10ee361936ee7b0548444f7974612ebb0e681734d8de7df055d1ec"
  "re2_20220601+dfsg-1.dsc e0d2eab89a0312e9a0ba4e9a6fb18b081764d6776a28496d389aa3831d970940"
  "re2_20220601+dfsg-1.debian.tar.xz 6e93860fc6d5a7bc94f0cb235f107545a332e6cd37c3a4060982b9caa47a2570"
  "re2_20220601+dfsg.orig.tar.xz 3bc61251da3b0b97be40a8a127818c517c62516e4eda11fc901d29496663df54"
  "sqlite3_3.40.1-2+deb12u2.dsc ee3459ae9d00939741c7708fc1b8ce1bde12d8c3fb1dfa005bbbc8651d884e23"
  "sqlite3_3.40.1-2+deb12u2.debian.tar.xz 0843bc12e4364076477935ce313a6d0796fd899a989ff18ebb6545540e10e4ca"
  "sqlite3_3.40.1.orig.tar.xz aaa776260ab4dc976db34aa7891819484c8676b5b2783123ebc6301e2ca5d655"
  "sqlite3_3.40.1.orig-www.tar.xz a5e95a18d1b59729278860559ded78751b9163ffb5bb906c5cd24c015f71d5fd"
  "libarchive_3.6.2-1+deb12u5.dsc aa86e919d6899ed11cc78c812d25a99b0493cbcc0e89b303507bf66d7dbda216"
  "libarchive_3.6.2-1+deb12u5.debian.tar.xz 5b32794076e9b0d8cd74fd2c453340b72c6362188f40fa1aac96304cb5683315"
  "libarchive_3.6.2.orig.tar.xz 9e2c1b80d5fbe59b61308fdfab6c79b5021d7ff4ff2489fb12daf0a96a83551d"
)
# GoogleTest is built from /usr/src/googletest (Debian's googletest package,
# installed by install-windows-deps.sh) at the version pinned here.
GTEST_VERSION=1.12.1-0.2

log() { echo "build-windows-deps: $*"; }
die() { echo "build-windows-deps: error: $*" >&2; exit 1; }

for tool in $host-gcc-posix $host-g++-posix apt-get dpkg-source cmake sha256sum; do
  command -v "$tool" >/dev/null || die "$tool missing (run scripts/install-windows-deps.sh)"
done
mkdir -p "$prefix/.built" "$prefix/downloads" "$prefix/lib" "$prefix/include"
logdir=$prefix/logs
mkdir -p "$logdir"

built() { [[ -f "$prefix/.built/$1" ]]; }
mark() { touch "$prefix/.built/$1"; }

# Runs "$@" with its output in $logdir/$step.log; on failure shows the tail.
run_logged() {
  local step=$1; shift
  if ! "$@" >>"$logdir/$step.log" 2>&1; then
    tail -40 "$logdir/$step.log" >&2
    die "$step failed (full log: $logdir/$step.log)"
  fi
}

# Downloads the pinned source package $1 (a key of SPEC) into
# $prefix/downloads, checks every file's SHA-256, and unpacks it with
# Debian's patches into $2.
fetch_source() {
  local name=$1 dest=$2 spec=${SPEC[$1]}
  local pkg=${spec%%=*} ver=${spec#*=}
  local dl=$prefix/downloads/$name
  mkdir -p "$dl"
  local dsc=$dl/${pkg}_${ver#*:}.dsc
  # .complete: every file of the package arrived (a failed or interrupted
  # download is started again from nothing).
  if [[ ! -f $dl/.complete ]]; then
    log "downloading source $spec"
    rm -rf "$dl" && mkdir -p "$dl"
    local out
    if ! out=$(cd "$dl" && apt-get source --download-only "$spec" 2>&1); then
      rm -rf "$dl"
      echo "$out" | tail -5 >&2
      if grep -q "404" <<<"$out"; then
        die "the mirror does not serve a file of $spec (404 above); pin another version in ${BASH_SOURCE[0]}"
      fi
      die "apt-get source $spec failed (deb-src lines missing? run scripts/install-windows-deps.sh)"
    fi
    touch "$dl/.complete"
  fi
  local f line file sum found
  for f in "$dl"/*; do
    [[ $f == *.asc ]] && continue
    file=$(basename "$f"); found=""
    for line in "${SHA256[@]}"; do
      [[ ${line%% *} == "$file" ]] && found=${line#* }
    done
    [[ -n $found ]] || die "$file: no pinned SHA-256 (add it to ${BASH_SOURCE[0]})"
    sum=$(sha256sum "$f" | cut -d' ' -f1)
    if [[ $sum != "$found" ]]; then
      rm -f "$f" "$dl/.complete"
      die "$file: SHA-256 $sum, expected $found (file removed; run again to download it anew)"
    fi
  done
  rm -rf "$dest"
  run_logged "$name" dpkg-source --no-check -x "$dsc" "$dest"
}

work=$prefix/work
mkdir -p "$work"
export WINEPREFIX=$prefix/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
cmake_cross=(-DCMAKE_TOOLCHAIN_FILE="$toolchain" -DHARRIER_WIN_DEPS="$prefix"
  -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DCMAKE_INSTALL_PREFIX="$prefix")

# --- OpenSSL (the slowest: ~5 min on 2 cores) ---
v=openssl-3.0.17-1~deb12u2
if ! built $v; then
  start=$SECONDS
  fetch_source openssl "$work/openssl"
  cd "$work/openssl"
  run_logged openssl ./Configure mingw64 no-shared no-tests --cross-compile-prefix=$host- \
    --prefix="$prefix" --libdir=lib
  run_logged openssl make -j"$jobs" build_sw
  run_logged openssl make install_sw
  mark $v; log "$v built in $((SECONDS - start)) s"
fi

# --- libyara with OpenSSL (hash, pe with Authenticode, dotnet) ---
v=yara-4.5.2-1
if ! built $v; then
  start=$SECONDS
  fetch_source yara "$work/yara"
  cd "$work/yara"
  run_logged yara ./bootstrap.sh
  run_logged yara ./configure --host=$host --prefix="$prefix" --disable-shared --enable-static \
    --with-crypto --enable-dotnet --disable-magic --disable-cuckoo \
    CC=$host-gcc-posix CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib" \
    LIBS="-lws2_32 -lgdi32 -lcrypt32"
  run_logged yara make -j"$jobs"
  run_logged yara make install
  mark $v; log "$v built in $((SECONDS - start)) s"
fi

# --- RE2 (Debian's +dfsg tarball lacks the generated tables) ---
v=re2-20220601+dfsg-1
if ! built $v; then
  start=$SECONDS
  fetch_source re2 "$work/re2"
  cd "$work/re2"
  perl re2/make_perl_groups.pl >re2/perl_groups.cc
  python3 re2/make_unicode_casefold.py >re2/unicode_casefold.cc
  python3 re2/make_unicode_groups.py >re2/unicode_groups.cc
  run_logged re2 cmake -S . -B out "${cmake_cross[@]}" -DRE2_BUILD_TESTING=OFF
  run_logged re2 cmake --build out -j"$jobs"
  run_logged re2 cmake --install out
  mark $v; log "$v built in $((SECONDS - start)) s"
fi

# --- SQLite (the amalgamation is generated natively, then cross-compiled) ---
v=sqlite3-3.40.1-2+deb12u2
if ! built $v; then
  start=$SECONDS
  fetch_source sqlite3 "$work/sqlite3"
  mkdir -p "$work/sqlite3/bld"
  cd "$work/sqlite3/bld"
  run_logged sqlite3 ../configure
  run_logged sqlite3 make sqlite3.c
  run_logged sqlite3 $host-gcc-posix -O2 -DSQLITE_THREADSAFE=1 -DSQLITE_OMIT_LOAD_EXTENSION \
    -c sqlite3.c -o sqlite3.o
  rm -f "$prefix/lib/libsqlite3.a"
  run_logged sqlite3 $host-ar rcs "$prefix/lib/libsqlite3.a" sqlite3.o
  cp sqlite3.h sqlite3ext.h "$prefix/include/"
  mark $v; log "$v built in $((SECONDS - start)) s"
fi

# --- libarchive (zlib only). Its configure step runs a test program
# (ZLIB_WINAPI, a try_run) that makes cmake 3.25 crash when it cannot run
# it; wine runs it. ---
v=libarchive-3.6.2-1+deb12u5
if ! built $v; then
  start=$SECONDS
  command -v wine >/dev/null || die "wine missing (run scripts/install-windows-deps.sh)"
  fetch_source libarchive "$work/libarchive"
  cd "$work/libarchive"
  run_logged libarchive cmake -S . -B out "${cmake_cross[@]}" \
    -DENABLE_TEST=OFF -DENABLE_TAR=OFF -DENABLE_CPIO=OFF -DENABLE_CAT=OFF -DENABLE_OPENSSL=OFF \
    -DENABLE_LIBXML2=OFF -DENABLE_EXPAT=OFF -DENABLE_PCREPOSIX=OFF -DENABLE_LZMA=OFF \
    -DENABLE_ZSTD=OFF -DENABLE_BZip2=OFF -DENABLE_LZ4=OFF -DENABLE_LIBB2=OFF -DENABLE_ICONV=OFF \
    -DENABLE_ZLIB=ON -DZLIB_LIBRARY=/usr/$host/lib/libz.a -DZLIB_INCLUDE_DIR=/usr/$host/include \
    -DCMAKE_CROSSCOMPILING_EMULATOR=wine
  run_logged libarchive cmake --build out -j"$jobs" --target archive_static
  cp out/libarchive/libarchive_static.a "$prefix/lib/"
  cp libarchive/archive.h libarchive/archive_entry.h "$prefix/include/"
  mark $v; log "$v built in $((SECONDS - start)) s"
fi

# --- GoogleTest (unit tests of make test-windows) ---
v=googletest-$GTEST_VERSION
if ! built $v; then
  start=$SECONDS
  have=$(dpkg-query -W -f='${Version}' googletest 2>/dev/null || true)
  [[ $have == "$GTEST_VERSION" ]] ||
    die "googletest $GTEST_VERSION expected in /usr/src/googletest, found '${have:-none}'"
  rm -rf "$work/googletest"
  run_logged googletest cmake -S /usr/src/googletest -B "$work/googletest" "${cmake_cross[@]}" \
    -Dgtest_disable_pthreads=OFF
  run_logged googletest cmake --build "$work/googletest" -j"$jobs"
  run_logged googletest cmake --install "$work/googletest"
  mark $v; log "$v built in $((SECONDS - start)) s"
fi

# --- header-only libraries, from the build machine's Debian packages ---
v=headers-cli11-json-fmt
if ! built $v; then
  hdr=$prefix/hdr/include
  rm -rf "$hdr"; mkdir -p "$hdr"
  cp -r /usr/include/CLI /usr/include/nlohmann /usr/include/fmt "$hdr/"
  mark $v
fi

# The wine prefix (~700 MB) served only libarchive's configure step.
rm -rf "$work" "$prefix/wine"
log "all dependencies present in $prefix"
