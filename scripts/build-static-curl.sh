#!/usr/bin/env bash
# Builds a static libcurl for the self-contained binary (make dist) from
# Debian 12's curl source package: Debian's libcurl.a is built with Kerberos,
# LDAP, libssh2, nghttp2, libpsl and more, and several of those have no
# static archives. This one speaks HTTPS (and HTTP) with OpenSSL and nothing
# else — all `harrier update` needs.
#   usage: build-static-curl.sh PREFIX
# Idempotent: does nothing when PREFIX/lib/libcurl.a exists. Needs a deb-src
# source for bookworm (added to /etc/apt/sources.list.d/ when missing; root).
set -euo pipefail
prefix=$(realpath -m "$1")
if [[ -f "$prefix/lib/libcurl.a" ]]; then
  echo "build-static-curl: $prefix/lib/libcurl.a present"
  exit 0
fi
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO=sudo
if ! grep -rqs "deb-src\|Types: deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "build-static-curl: adding Debian's source packages to apt (harrier-src.sources)"
  $SUDO tee /etc/apt/sources.list.d/harrier-src.sources >/dev/null <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  $SUDO apt-get update -qq
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# apt checks every downloaded file against the signed Sources index. The
# bookworm package, by suite: a deb-src line for a newer release (added for
# another build) must not change what is built; the security suite first,
# then the release (a mirror may lack one of them).
fetch() {
  for suite in bookworm-security bookworm; do
    apt-get source --download-only "curl/$suite" >/dev/null 2>&1 && return 0
    rm -f curl_*
  done
  return 1
}
fetch || { $SUDO apt-get update -qq && fetch; } || {
  echo "build-static-curl: could not download Debian 12's curl source package" >&2
  exit 1
}
orig=$(ls curl_*.orig.tar.* | head -1)
version=$(ls curl_*.dsc | sed -e 's/^curl_//' -e 's/\.dsc$//')
echo "build-static-curl: curl $version"
dpkg-source --no-check -x curl_*.dsc src >/dev/null
cd src
./configure --prefix="$prefix" --disable-shared --enable-static --with-pic \
  --with-openssl --without-libpsl --without-nghttp2 --without-libidn2 --without-brotli \
  --without-zstd --without-libssh2 --without-librtmp --without-gssapi --disable-ldap \
  --disable-ldaps --disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 \
  --disable-imap --disable-smtp --disable-gopher --disable-mqtt --disable-smb --disable-ftp \
  --disable-file --disable-manual --disable-docs --without-libgsasl \
  --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs \
  >"$work/configure.log" 2>&1 || { tail -30 "$work/configure.log"; exit 1; }
make -j"$(nproc)" -C lib >"$work/make.log" 2>&1 || { tail -30 "$work/make.log"; exit 1; }
make -C lib install >/dev/null
make -C include install >/dev/null
make install-pkgconfigDATA >/dev/null
echo "$version" >"$prefix/curl-version.txt"
echo "build-static-curl: $prefix/lib/libcurl.a (curl $version)"
