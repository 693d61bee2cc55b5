#!/bin/sh
# embed.sh SYMBOL IN OUT: writes a C file defining
#   const char SYMBOL[] (NUL-terminated) and const unsigned long SYMBOL_len
# from the bytes of IN, without needing xxd.
set -eu
sym=$1 in=$2 out=$3
{
	echo "/* generated from $in by scripts/embed.sh; do not edit */"
	echo "const char $sym[] = {"
	od -An -v -tx1 "$in" | sed -e 's/[0-9a-f][0-9a-f]/0x&,/g' -e 's/^ *//'
	echo "0x00 };"
	echo "const unsigned long ${sym}_len = sizeof($sym) - 1;"
} > "$out.tmp"
mv "$out.tmp" "$out"
