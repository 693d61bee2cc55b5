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
import re
import sys
import zipfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
ROMA = "roma.reset_multi_task"
HEAD = ["op", "project_id", "instance_id", "task_id", "date_from"]


def fixed(wb):
    """The same bytes each time: openpyxl stamps the time otherwise."""
    t = datetime.datetime(2026, 11, 21, 0, 0, 0)
    wb.properties.created = t
    wb.properties.modified = t


def stable(path):
    """The zip's entries dated 2026-11-21 too: a run again makes the same
    bytes, and git sees no change."""
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i, data in parts:
            i.date_time = (2026, 11, 21, 0, 0, 0)
            z.writestr(i, data)


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


SST_TYPE = ("http://schemas.openxmlformats.org/officeDocument/2006/"
            "relationships/sharedStrings")
SST_CT = ("application/vnd.openxmlformats-officedocument.spreadsheetml."
          "sharedStrings+xml")
INLINE = re.compile(r'<c ([^>]*?) ?t="inlineStr"><is><t(?: [^>]*)?>(.*?)'
                    r'</t></is></c>')


def shared(src, dst, rich=False):
    """src with its text cells moved to xl/sharedStrings.xml, as Excel and
    LibreOffice write them (openpyxl writes inline strings); rich: the op
    as rich text with a phonetic run, which is no part of the text."""
    strings, index = [], {}

    def one(m):
        if m.group(2) not in index:
            index[m.group(2)] = len(strings)
            strings.append(m.group(2))
        return '<c %s t="s"><v>%d</v></c>' % (m.group(1), index[m.group(2)])

    def si(t):
        if rich and t == ROMA:
            return ('<si><r><t>roma.</t></r><r><rPr><b/></rPr>'
                    '<t>reset_multi_task</t></r><rPh sb="0" eb="1">'
                    '<t>x</t></rPh></si>')
        return '<si><t xml:space="preserve">%s</t></si>' % t

    with zipfile.ZipFile(src) as zin, \
            zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename).decode("utf-8")
            if item.filename.startswith("xl/worksheets/"):
                data = INLINE.sub(one, data)
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>", '<Relationship '
                                    'Type="%s" Target="sharedStrings.xml" '
                                    'Id="rIdSST"/></Relationships>' % SST_TYPE)
            elif item.filename == "[Content_Types].xml":
                data = data.replace("</Types>", '<Override PartName="/xl/'
                                    'sharedStrings.xml" ContentType="%s"/>'
                                    '</Types>' % SST_CT)
            zout.writestr(item, data)
        zout.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.'
                      'openxmlformats.org/spreadsheetml/2006/main" count='
                      '"%d" uniqueCount="%d">%s</sst>' % (
                          len(strings), len(strings),
                          "".join(si(t) for t in strings)))


def accidents():
    """A sheet's usual accidents, as a spreadsheet keeps them: a date typed
    into a General column (its serial), epoch seconds typed for
    milliseconds, an id with a trailing no-break space, and a header cell
    'OP' + no-break space; one good row.  (A long id pasted as a number
    is bignum.xlsx: it stops the whole file.)"""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Resets"
    ws.append(["OP\u00a0"] + HEAD[1:])
    ws.append([ROMA, "p1", "ins-1", "t-serial", 46347])
    ws.append([ROMA, "p1", "ins-1", "t-seconds", 1795219200])
    ws.append([ROMA, "p1", "ins-1", "t-nbsp\u00a0", "2026-11-21"])
    ws.append([ROMA, "p1", "ins-1", "t-good", "2026-11-21"])
    fixed(wb)
    wb.save(os.path.join(HERE, "accidents.xlsx"))


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
    wb.save(out + ".inline.xlsx")
    shared(out + ".inline.xlsx", out)
    os.unlink(out + ".inline.xlsx")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--big":
        big(int(sys.argv[2]), sys.argv[3])
    else:
        plain()
        bignum()
        cells()
        accidents()
        shared(os.path.join(HERE, "plain.xlsx"),
               os.path.join(HERE, "shared.xlsx"), rich=True)
        for name in ("plain", "bignum", "cells", "mac1904", "shared",
                     "accidents"):
            stable(os.path.join(HERE, name + ".xlsx"))
