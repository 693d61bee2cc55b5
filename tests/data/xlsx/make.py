#!/usr/bin/python3
"""Writes the workbook fixtures of tests/e2e/test_xlsxin.c (issue 12,
"Workbooks in") with openpyxl, as a spreadsheet user would: typed cells,
a hidden row, a second sheet.  The .xlsx files it makes are committed;
run it again (/usr/bin/python3 tests/data/xlsx/make.py) after a change.

    make.py               the fixtures, into this directory
    make.py --big N OUT   a workbook of N ROMA rows (write_only mode) and
                          OUT.csv with the same rows, for the RSS figures
"""
import datetime
import os
import sys

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
ROMA = "roma.reset_multi_task"
HEAD = ["op", "project_id", "instance_id", "task_id", "date_from"]


def fixed(wb):
    """The same bytes each time: openpyxl stamps the time otherwise."""
    t = datetime.datetime(2026, 11, 21, 0, 0, 0)
    wb.properties.created = t
    wb.properties.modified = t


def plain():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws.append(HEAD)
    ws.append([ROMA, "p1", "ins-1", "t-ok", datetime.date(2026, 11, 21)])
    ws.append([ROMA, "p1", "ins-1", "t-time",
               datetime.datetime(2026, 11, 21, 8, 30)])
    ws.append([ROMA, "p1", "ins-1", "t-hidden", datetime.date(2026, 11, 21)])
    ws.row_dimensions[4].hidden = True
    ws.append([])                       # row 5: blank, keeps its number
    ws.append([ROMA, "p1", "00123", "t-text", None])
    for row in ws.iter_rows(min_row=2):
        row[4].number_format = "yyyy-mm-dd" if row[0].row != 3 else \
            "yyyy-mm-dd hh:mm"
    later = wb.create_sheet("Later")
    later.append(HEAD[:4])
    later.append([ROMA, "p1", "ins-2", "t-later"])
    fixed(wb)
    wb.save(os.path.join(HERE, "plain.xlsx"))


def bignum():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws.append(HEAD[:4])
    ws.append([ROMA, "p1", "ins-1", "t-ok"])
    ws.append([ROMA, "p1", "ins-1", 1234567890123456789])
    ws.append([ROMA, "p1", "ins-1", 12345])     # a small number id: as is
    fixed(wb)
    wb.save(os.path.join(HERE, "bignum.xlsx"))


def cells():
    """Cells the CSV must quote, gaps, booleans; and a 1904 workbook."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cells"
    ws.append(["a", "b", "c", "d", "e"])
    ws.append(["x,y", 'say "hi"', "two\nlines", "#not a comment", True])
    ws.append([" lead", None, None, 3.5, False])
    ws.append([])
    ws.append([None, None, "c5"])
    fixed(wb)
    wb.save(os.path.join(HERE, "cells.xlsx"))
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["date_from"])
    ws.append([datetime.date(2026, 11, 21)])
    ws["A2"].number_format = "d/m/yy"
    fixed(wb)
    wb.save(os.path.join(HERE, "mac1904.xlsx"))


def big(n, out):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Orders")
    ws.append(HEAD)
    with open(out + ".csv", "w") as f:
        f.write(",".join(HEAD) + "\n")
        for i in range(n):
            row = [ROMA, "p1", "ins-%d" % (i % 97), "t-%07d" % i,
                   "2026-11-21"]
            ws.append(row)
            f.write(",".join(row) + "\n")
    wb.save(out)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--big":
        big(int(sys.argv[2]), sys.argv[3])
    else:
        plain()
        bignum()
        cells()
