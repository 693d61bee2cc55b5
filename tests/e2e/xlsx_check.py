#!/usr/bin/python3
"""Reads a bulkrun .xlsx report with openpyxl (a spreadsheet library that
reads workbooks as Excel writes them) and checks it: the sheets, every
manifest value as a text cell, rows in manifest order, the summary counts.

usage: xlsx_check.py REPORT.xlsx ROWS SUCCEEDED FAILED ID_COLUMN
Prints what is wrong and exits 1; exits 0 when all holds."""
import sys

import openpyxl


def main():
    path, rows, ok, failed, idcol = sys.argv[1], *map(int, sys.argv[2:5]), \
        sys.argv[5]
    wb = openpyxl.load_workbook(path)
    bad = []
    if wb.sheetnames != ["Report", "Summary"]:
        bad.append("sheets %r" % wb.sheetnames)
    ws = wb["Report"]
    head = [c.value for c in ws[1]]
    if ws.freeze_panes != "A2":
        bad.append("header not frozen: %r" % ws.freeze_panes)
    if not ws.auto_filter.ref:
        bad.append("no autofilter")
    data = list(ws.iter_rows(min_row=2))
    if len(data) != rows:
        bad.append("%d rows, want %d" % (len(data), rows))
    nums = [r[head.index("row")].value for r in data]
    if nums != sorted(nums):
        bad.append("not in manifest order: %r" % nums)
    for r in data:
        c = r[head.index(idcol)]
        if c.data_type != "s":
            bad.append("%s %r is not a text cell (%s)" % (idcol, c.value,
                                                          c.data_type))
    outcomes = [r[head.index("outcome")].value for r in data]
    if outcomes.count("succeeded") != ok or outcomes.count("failed") != failed:
        bad.append("outcomes %r" % outcomes)
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows()
               if r[0].value}
    if summary.get("succeeded") != ok or summary.get("failed") != failed:
        bad.append("summary %r" % summary)
    for b in bad:
        print(b)
    return 1 if bad else 0


sys.exit(main())
