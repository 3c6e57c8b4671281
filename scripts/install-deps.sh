#!/usr/bin/env bash
# Installs Harrier's build and test dependencies from Debian 12 packages.
# Idempotent: packages already present are not reinstalled; apt-get runs only
# when something is missing. Needs root (or sudo) when it has work to do.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config ninja-build git
  libyara-dev yara                 # YARA engine + CLI (reference for cross-checks/bench)
  libre2-dev                       # regex sets (portable: Linux and mingw-w64)
  libssl-dev                       # MD5/SHA1/SHA256 via EVP, PKCS#7
  libarchive-dev                   # archives (later issues)
  libgsf-1-dev                     # OLE compound files: MSI, .doc/.xls/.ppt, .msg (src/sources/ole_reader)
  libmspack-dev                    # CHM, SZDD, KWAJ (src/sources/mspack_reader)
  libtsk-dev libewf-dev            # disk images: The Sleuth Kit with EWF/E01 (src/sources/image_source)
  ntfs-3g ntfs-3g-dev mtools dosfstools e2fsprogs fdisk ewf-tools  # tests build NTFS/FAT/ext4/GPT/E01 images
  mscompress                       # tests build SZDD files (MS-DOS compress) at test time
  fp-utils                         # tests build a CHM with its chmcmd (pulls fpc-source, ~200 MB)
  wixl                             # tests build a real MSI at test time (msitools' WiX compiler)
  libsqlite3-dev                   # scan cache
  libcurl4-openssl-dev             # harrier update: HTTPS downloads (src/update/https_fetch)
  python3                          # tests/tools/https_server.py: the local HTTPS server of the update tests
  python3-jsonschema               # tests validate the JSONL against docs/jsonl.schema.json
  libcli11-dev                     # command line
  groff-base man-db zsh            # tests render the man page and check the zsh completion
  nlohmann-json3-dev               # JSON output/parsing
  libfmt-dev                       # formatting
  libgtest-dev libgmock-dev        # unit tests
  libbenchmark-dev                 # micro benchmarks
  openssl                          # tests build PKCS#7 blobs at test time
  strace                           # tests/e2e/hostile_test.cc: no special file is ever opened
  util-linux                       # setpriv: hostile_test.cc runs a scan as an unprivileged user
  # tests build archives with these (tests/e2e/archive_test.cc, fuzz seeds); rar has no
  # creator in Debian main
  zip 7zip gcab cpio xorriso jlha-utils binutils bzip2 xz-utils zstd lzip lz4
  # static archives the self-contained binary (make dist) links that the
  # packages above do not bring
  libacl1-dev libzstd-dev liblz4-dev libafflib-dev libvhdi-dev libvmdk-dev
)
# Needed only to run the tests: skipped when the build has no tests
# (HARRIER_BUILD_TESTS=OFF, as the CMake option of the same name).
TEST_PKGS=(
  chromium                         # headless browser tests of the HTML reports (tests/e2e/report_test.cc, fleet_test.cc)
  lintian                          # make test-dist checks the Debian package
  ansible-core                     # runs contrib/ansible/scan.yml against two local hosts (tests/e2e/ansible_test.py)
  python3-yaml                     # reads the Velociraptor artifact (tests/e2e/velociraptor_artifact_test.py)
)
if [[ "${HARRIER_BUILD_TESTS:-ON}" != "OFF" ]]; then
  PKGS+=("${TEST_PKGS[@]}")
fi
if [[ -n "${HARRIER_EXTRA_PKGS:-}" ]]; then
  read -r -a extra <<<"$HARRIER_EXTRA_PKGS"
  PKGS+=("${extra[@]}")
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
