#!/bin/sh
# Installs the Debian packages bulkrun needs when pkg-config (or the header,
# for libcsv, which ships no .pc file) cannot find them.  Idempotent.
set -eu

missing=""
need() {	# need PACKAGE CHECK...
	pkg=$1; shift
	if ! "$@" >/dev/null 2>&1; then
		missing="$missing $pkg"
	fi
}

have_pc() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }
have_fuzzer_rt() {
	command -v clang >/dev/null 2>&1 &&
	    test -f "$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a"
}

need pkg-config            command -v pkg-config
need libcurl4-openssl-dev  have_pc libcurl
need libcjson-dev          have_pc libcjson
need libcriterion-dev      have_pc criterion
need libmicrohttpd-dev     have_pc libmicrohttpd
need libssl-dev            have_pc libcrypto
need libcsv-dev            test -f /usr/include/csv.h
# -o report.xlsx (libxlsxwriter); the tests read the workbooks back with
# openpyxl, as a spreadsheet user's script would
need libxlsxwriter-dev     have_pc xlsxwriter
need python3-openpyxl      /usr/bin/python3 -c 'import openpyxl'
# a workbook as the manifest: its zip (minizip), its XML (libxml2)
need libminizip-dev        have_pc minizip
need libxml2-dev           have_pc libxml-2.0
need openssl               command -v openssl
need tzdata                test -f /usr/share/zoneinfo/Europe/Berlin
need make                  command -v make
need groff-base            command -v groff	# make check-man
need gcc                   command -v gcc
# make fuzz (libFuzzer): clang, its runtime libraries (libclang_rt.fuzzer
# and the sanitizers; only "recommended" by clang, so named here) and
# llvm-symbolizer for readable stacks.
need clang                 command -v clang
need libclang-rt-dev       have_fuzzer_rt
need llvm                  command -v llvm-symbolizer
# make contrib-check: systemd-analyze verify on contrib/systemd/; the
# Kubernetes YAML read by a real parser; setpriv (util-linux) for the
# hardening check; strace for the system calls a run makes.
need systemd               command -v systemd-analyze
need strace                command -v strace
need python3-yaml          /usr/bin/python3 -c 'import yaml'
need util-linux            command -v setpriv

# The monitoring tests (tests/e2e/test_unattended.c): promtool and
# node_exporter, used as plain binaries.  Installed on their own, without
# their recommended collectors, and their services (which Debian enables
# on install) disabled and stopped again: the tests start node_exporter
# themselves on a free port, and nothing of it should stay running.
mon=""
command -v promtool >/dev/null 2>&1 || mon="$mon prometheus"
command -v prometheus-node-exporter >/dev/null 2>&1 ||
    mon="$mon prometheus-node-exporter"

[ -z "$missing" ] && [ -z "$mon" ] && exit 0

[ -z "$missing" ] || echo "deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "deps: need root (or sudo) to install:$missing$mon" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
install() {	# install [APT-OPTION...] PACKAGE...
	# shellcheck disable=SC2068
	if ! $SUDO apt-get install -y -q $@; then
		$SUDO apt-get update -q
		$SUDO apt-get install -y -q $@
	fi
}
# shellcheck disable=SC2086
[ -z "$missing" ] || install $missing
[ -z "$mon" ] && exit 0
echo "deps: installing (monitoring tests):$mon" >&2
# shellcheck disable=SC2086
install --no-install-recommends $mon
for pkg in $mon; do	# only the services of what was installed here
	unit=$pkg.service
	if [ -f "/lib/systemd/system/$unit" ]; then
		$SUDO systemctl disable "$unit" >/dev/null 2>&1 || true
		if [ -d /run/systemd/system ]; then
			$SUDO systemctl stop "$unit" >/dev/null 2>&1 || true
		fi
	fi
done
