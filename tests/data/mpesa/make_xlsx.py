#!/usr/bin/env python3
"""Converts an M-Pesa statement CSV to XLSX the way the portal's Excel export looks.

Usage: make_xlsx.py STATEMENT.csv OUT.xlsx

A second writer of workbooks, independent of libxlsxwriter (which test_mpesa_xlsx.cpp
uses): Python's standard library only, the SpreadsheetML written by hand. Every CSV line
is the spreadsheet row of the same number (a blank line is a row left out), so the XLSX
reader numbers the lines as the CSV reader does. What the workbook holds:
- the title and summary rows before the header, as text;
- text in the shared strings table (xl/sharedStrings.xml), kept as typed (a leading or
  trailing space is preserved with xml:space);
- after the header, `Paid In`, `Withdrawn` and `Balance` as numeric cells formatted
  #,##0.00 (the thousands separators and quotes of the CSV gone, a negative `Withdrawn`
  still negative);
- `Completion Time` and `Initiation Time` as Excel serial date numbers (days since
  1899-12-30, the time of day as the fraction, written as a double the way Excel writes
  one) in every other line, starting with the first, and as the CSV's text in the others;
- `Balance Confirmed` as a boolean cell.
The zip's entries carry a fixed timestamp so the same CSV always gives the same bytes.
"""

import csv
import datetime
import decimal
import io
import sys
import zipfile
from xml.sax.saxutils import escape, quoteattr

AMOUNT_COLUMNS = {"Paid In", "Withdrawn", "Balance"}
TIME_COLUMNS = {"Completion Time", "Initiation Time"}
BOOLEAN_COLUMNS = {"Balance Confirmed"}
STYLE_DATE, STYLE_AMOUNT = 1, 2

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def column_letters(number):
    """1 -> A, 27 -> AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def parse_time(text):
    """The portal's three formats (day first), as the reader takes them."""
    for pattern in ("%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y %I:%M %p"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    raise ValueError(f"not a statement time: {text!r}")


def excel_serial(moment):
    """Days since 1899-12-30 with the time of day as the fraction, as Excel writes it (the
    shortest text of the nearest double, up to 17 significant digits)."""
    days = (moment.date() - datetime.date(1899, 12, 30)).days
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return repr(days + seconds / 86400)


def excel_number(text):
    """ "1,500.00" -> "1500", "-10,000.00" -> "-10000", "22.40" -> "22.4"."""
    value = decimal.Decimal(text.replace(",", ""))
    plain = format(value.normalize(), "f")
    return "0" if plain in ("-0", "0") else plain


class SharedStrings:
    def __init__(self):
        self.index = {}
        self.items = []
        self.count = 0

    def add(self, text):
        self.count += 1
        if text not in self.index:
            self.index[text] = len(self.items)
            self.items.append(text)
        return self.index[text]

    def xml(self):
        parts = [
            XML_DECLARATION,
            f'<sst xmlns="{MAIN_NS}" count="{self.count}" uniqueCount="{len(self.items)}">',
        ]
        for text in self.items:
            space = ' xml:space="preserve"' if text != text.strip() else ""
            parts.append(f"<si><t{space}>{escape(text)}</t></si>")
        parts.append("</sst>")
        return "".join(parts)


def sheet_xml(records, strings):
    """The first sheet: each CSV record at its own line's row."""
    rows = []
    header = None
    data_rows = 0
    for number, record in records:
        if all(not cell.strip() for cell in record):
            continue  # a blank line: no row, as Excel leaves an empty row out
        if header is None and record and record[0].strip() == "Receipt No.":
            header = [cell.strip() for cell in record]
            typed = False
        elif header is not None:
            typed = True
            data_rows += 1
        else:
            typed = False
        as_serial = typed and data_rows % 2 == 1
        cells = []
        for column, text in enumerate(record, start=1):
            if text == "":
                continue
            reference = f"{column_letters(column)}{number}"
            name = header[column - 1] if header is not None and column <= len(header) else ""
            if typed and name in AMOUNT_COLUMNS:
                amount = excel_number(text)
                cells.append(f'<c r="{reference}" s="{STYLE_AMOUNT}"><v>{amount}</v></c>')
            elif typed and name in TIME_COLUMNS and as_serial:
                serial = excel_serial(parse_time(text))
                cells.append(f'<c r="{reference}" s="{STYLE_DATE}"><v>{serial}</v></c>')
            elif typed and name in BOOLEAN_COLUMNS and text.strip().lower() in ("true", "false"):
                value = 1 if text.strip().lower() == "true" else 0
                cells.append(f'<c r="{reference}" t="b"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{reference}" t="s"><v>{strings.add(text)}</v></c>')
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    if header is None:
        raise ValueError("no header row (a first cell `Receipt No.`)")
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f'<sheetData>{"".join(rows)}</sheetData>'
        "</worksheet>"
    )


STYLES = (
    f'{XML_DECLARATION}<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\\ hh:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)

CONTENT_TYPES = (
    f"{XML_DECLARATION}"
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)

ROOT_RELS = (
    f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)

WORKBOOK = (
    f'{XML_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
    "<workbookPr/>"
    f'<sheets><sheet name={quoteattr("Organisation Statement")} sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)

WORKBOOK_RELS = (
    f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)


def read_records(path):
    """(line number, cells) per CSV record; a record's number is its first line's."""
    with open(path, encoding="utf-8-sig", newline="") as source:
        text = source.read()
    records = []
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for record in reader:
        records.append((line, record))
        line = reader.line_num + 1
    return records


def write_xlsx(records, path):
    strings = SharedStrings()
    sheet = sheet_xml(records, strings)
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/styles.xml", STYLES),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings.xml()),
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content.encode("utf-8"))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    write_xlsx(read_records(argv[1]), argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
