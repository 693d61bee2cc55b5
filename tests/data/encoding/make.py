#!/usr/bin/env python3
"""Writes the encoding fixtures of tests/e2e/test_encoding.c with Python's
own codecs (a real encoder, not bulkrun's), as Excel saves a sheet:

  windows.csv     "CSV (Comma delimited)" on a German Windows: Windows-1252,
                  ';', CRLF
  unicode.txt     "Unicode Text": UTF-16LE with a byte-order mark, tab, CRLF
  unicode-be.txt  the same in UTF-16BE (with its mark)

Run it from this directory: python3 make.py
"""
import codecs

ROWS = [
    ["op", "project_id", "cluster_id", "note"],
    ["css.restart_cluster", "p1", "c1", "Aufträge"],
    ["css.restart_cluster", "p1", "c2", "Größe 5 €"],
]


def text(sep):
    return "".join(sep.join(r) + "\r\n" for r in ROWS)


with open("windows.csv", "wb") as f:
    f.write(text(";").encode("cp1252"))
with open("unicode.txt", "wb") as f:
    f.write(codecs.BOM_UTF16_LE + text("\t").encode("utf-16-le"))
with open("unicode-be.txt", "wb") as f:
    f.write(codecs.BOM_UTF16_BE + text("\t").encode("utf-16-be"))
