"""Turning the bytes of an uploaded file (CSV, gzip-compressed CSV or Parquet) into a DataFrame."""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile
import zlib
from collections import Counter
from itertools import islice

import pandas as pd

from fairdash.data._limits import DEFAULT_MAX_UPLOAD_BYTES, MAX_COLUMNS, MAX_ROWS, mb
from fairdash.data._parquet import read_parquet
from fairdash.exceptions import DataError

__all__ = ["DEFAULT_MAX_UPLOAD_BYTES", "read_table"]

_DELIMITERS = ",;\t|"
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SNIFF_CHARS = 64 * 1024
_SNIFF_ROWS = 100
_HEADER_CHARS = 1024 * 1024
_PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")
_PICKLE_STARTS = tuple(b"\x80" + bytes([protocol]) for protocol in range(2, 6))
# Files people pick by mistake; most contain NUL bytes anyway, but naming the kind helps.
_BINARY_KINDS = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"%PDF": "a PDF",
                 b"PK\x03\x04": "a ZIP archive (an Excel .xlsx workbook is one)",
                 b"\xd0\xcf\x11\xe0": "an old Office file such as an Excel .xls workbook"}
_BOMS = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BAD_ROW = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_table(data: bytes, filename: str, *,
               max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> pd.DataFrame:
    """Read an uploaded file into a DataFrame, refusing anything that is not a clean table.

    Parameters
    ----------
    data : bytes
        The file's content as uploaded.
    filename : str
        The file's name; used in error messages and to recognise pickled files.
    max_bytes : int, default DEFAULT_MAX_UPLOAD_BYTES
        Largest accepted size in bytes, of the upload and of a gzip file's unpacked content.

    Returns
    -------
    pandas.DataFrame
        One column per header cell (names stripped of surrounding whitespace), a default
        integer index, types as pandas infers them and empty cells as missing values.

    Raises
    ------
    fairdash.exceptions.DataError
        If the file is too large (see Notes), empty, only a header, binary (an Excel workbook
        is named as one), pickled, not split into columns by a supported delimiter, has
        duplicate or blank column names, a row with too many fields or a quote that is never
        closed, nested Parquet columns (structs, lists, maps), or is a damaged Parquet or gzip
        file.

    Notes
    -----
    Parquet and gzip (holding a CSV) are recognised by their first bytes. Text is decoded as
    UTF-8 (with or without byte-order mark), UTF-16 (with that mark, or without it when every
    other byte is NUL, as in Latin-script text), else Windows-1252 or Latin-1. The delimiter is
    the comma, semicolon, tab or pipe that splits the first lines into the most consistent
    number of columns; quoted fields may hold delimiters and newlines.

    Limits, checked before the rows are parsed wherever the file states them: at most
    :data:`~fairdash.data.MAX_COLUMNS` columns (a CSV's header, a Parquet schema) and
    :data:`~fairdash.data.MAX_ROWS` rows, and a Parquet file's decoded table (estimated from
    its footer) at most :data:`~fairdash.data.DECODED_SIZE_FACTOR` times ``max_bytes``.
    """
    name = f"'{filename}'"
    if len(data) > max_bytes:
        raise DataError(f"File {name} is {mb(len(data))}, over the {mb(max_bytes)} upload "
                        "limit; upload a smaller file, for example a sample of its rows or "
                        "a gzip-compressed CSV.")
    if data.startswith(b"PAR1"):
        frame = read_parquet(data, name, max_bytes)
        return _check_columns(frame, [str(c) for c in frame.columns], name)
    if data.startswith(b"\x1f\x8b"):
        data = _gunzip(data, name, max_bytes)
    if filename.lower().endswith(_PICKLE_SUFFIXES) or data.startswith(_PICKLE_STARTS):
        raise DataError(f"File {name} is a pickled Python object, and pickled files are not "
                        "data tables (nor are they ever unpickled, since that can run code); "
                        "upload the data as CSV or Parquet instead.")
    return _read_csv(data, *_decode(data, name), name)


def _gunzip(data: bytes, name: str, max_bytes: int) -> bytes:
    try:
        # Reading one byte past the limit refuses a gzip bomb without unpacking all of it.
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            content = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"File {name} looks gzip-compressed but could not be unpacked, so it is "
                        "probably damaged; compress it again or upload the plain CSV.") from exc
    if len(content) > max_bytes:
        raise DataError(f"File {name} unpacks to more than {mb(max_bytes)}, the upload limit; "
                        "upload a smaller file, for example a sample of its rows.")
    return content


def _decode(data: bytes, name: str) -> tuple[str, str, int]:
    """The text, its codec and the length of its byte-order mark."""
    kind = next((k for magic, k in _BINARY_KINDS.items() if data.startswith(magic)), None)
    if kind:
        _refuse_binary(data, name, kind)
    bom = next((mark for mark in _BOMS if data.startswith(mark)), b"")
    wide = _BOMS.get(bom, "") if bom else _utf16_without_bom(data)
    if wide.startswith("utf-16"):  # Excel's "Unicode text" export, with or without its mark
        codecs: tuple[str, ...] = (wide,)
    else:  # no 8-bit text a spreadsheet writes holds NUL bytes
        codecs = () if b"\x00" in data else ("utf-8", "cp1252", "latin-1")
    for codec in codecs:
        try:
            text = str(memoryview(data)[len(bom):], codec)
        except UnicodeDecodeError:
            continue
        # Text has few control characters; binary formats that happen to lack NUL bytes do not.
        if len(_CONTROL_CHARS.findall(text[:_SNIFF_CHARS])) <= len(text[:_SNIFF_CHARS]) / 100:
            return text, codec, len(bom)
        break
    if wide and not bom:
        raise DataError(f"File {name} looks like UTF-16 text without a byte-order mark but "
                        "could not be decoded as such; save it again as \"CSV UTF-8\" (in Excel: "
                        "File > Save As > CSV UTF-8) and upload that file.")
    raise DataError(f"File {name} is not a CSV or Parquet file (it looks like binary data); "
                    "upload a comma-, semicolon-, tab- or pipe-separated text file or a Parquet "
                    "file.")


def _utf16_without_bom(data: bytes) -> str:
    """``"utf-16-le"`` or ``"utf-16-be"`` for UTF-16 text without a byte-order mark, else ``""``.

    Text in a Latin script, UTF-16 encoded, has a NUL byte in every other position: the high
    byte of each character, second in little-endian order, first in big-endian order. Other
    files (8-bit text, UTF-8) have none, and binary formats have them at both positions.
    """
    sample = data[:_SNIFF_CHARS]
    pairs = len(sample) // 2
    if pairs < 2:
        return ""
    even, odd = sample[0:2 * pairs:2].count(0), sample[1:2 * pairs:2].count(0)
    if odd >= pairs / 2 and even <= pairs / 100:
        return "utf-16-le"
    if even >= pairs / 2 and odd <= pairs / 100:
        return "utf-16-be"
    return ""


def _refuse_binary(data: bytes, name: str, kind: str) -> None:
    """Refuse a file of a known binary kind; a spreadsheet is named as one, with how to export it.

    An .xlsx workbook is a ZIP archive whose entries live under ``xl/``; an OpenDocument
    spreadsheet (.ods) is one whose ``mimetype`` entry says so.
    """
    members: list[str] = []
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = archive.namelist()
                opendocument = "mimetype" in members and archive.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet")
        except (zipfile.BadZipFile, OSError, ValueError, KeyError):
            members, opendocument = [], False
        if any(m.startswith("xl/") for m in members):
            raise DataError(f"File {name} is an Excel workbook, not a CSV or Parquet file; open "
                            "it in Excel and save the sheet as CSV (File > Save As > CSV UTF-8) "
                            "first, then upload that file.")
        if opendocument:
            raise DataError(f"File {name} is an OpenDocument spreadsheet, not a CSV or Parquet "
                            "file; open it and save the sheet as CSV (File > Save As > Text "
                            "CSV) first, then upload that file.")
    raise DataError(f"File {name} is not a CSV or Parquet file (it looks like {kind}); upload "
                    "a comma-, semicolon-, tab- or pipe-separated text file or a Parquet file.")


def _read_csv(data: bytes, text: str, codec: str, bom: int, name: str) -> pd.DataFrame:
    if not text or text.isspace():
        raise DataError(f"File {name} is empty; upload a CSV or Parquet file with a header row "
                        "and at least one data row.")
    delimiter, share = _detect_delimiter(text)
    header, start, header_lines = _read_header(text, delimiter, name)
    width = len(header)
    if width > MAX_COLUMNS:  # before pandas parses a single row
        raise DataError(f"File {name} has {width:,} columns, more than the {MAX_COLUMNS:,} "
                        "FairDash reads; keep only the columns the audit needs (target, "
                        "sensitive columns and features) and upload it again.")
    # A real one-column table has a short name; a sentence or an "a:b:c" header does not.
    if width == 1 and (len(header[0].split()) >= 3 or len(header[0]) > 60 or ":" in header[0]
                       or header[0].rstrip().endswith((".", "!", "?"))):
        raise DataError(f"Reading file {name} found only one column ('{header[0].strip()[:40]}'), "
                        "so it is probably not a table or uses another delimiter; save it with "
                        "commas, semicolons, tabs or pipes between the columns.")
    if width > 1 and share == 0:
        _refuse_unclosed_quote(text[:start + _SNIFF_CHARS], start, delimiter, name)
        raise DataError(f"File {name} does not look like a table: its first line has {width} "
                        f"{_DELIMITER_NAMES[delimiter]}-separated fields but none of the next "
                        "lines has as many; check the header row and the delimiter.")
    # pandas parses the original bytes after the header (a text stream would cost 4 bytes per
    # character). The spare column catches rows with more fields than the header, which pandas
    # would otherwise silently turn into the index; positional names stop it renaming duplicates.
    stream = io.BytesIO(data)
    stream.seek(bom + len(text[:start].encode(codec)))
    try:
        frame = pd.read_csv(stream, sep=delimiter, encoding=codec, header=None,
                            names=range(width + 1), low_memory=False, nrows=MAX_ROWS + 1)
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame(columns=range(width + 1))
    except pd.errors.ParserError as exc:
        if "EOF inside string" in str(exc):
            _refuse_unclosed_quote(text, start, delimiter, name)
        found = _BAD_ROW.search(str(exc))
        where = (f"line {int(found[2]) + header_lines} has {found[3]} fields but the header "
                 f"has {width}" if found else "a row has more fields than the header")
        raise DataError(f"File {name} cannot be read as a table: {where}; quote values that "
                        "contain the delimiter or fix that row.") from exc
    if len(frame) > MAX_ROWS:
        raise DataError(f"File {name} has more than {MAX_ROWS:,} data rows, the most FairDash "
                        "reads; upload a random sample of its rows.")
    extra = frame.pop(width).notna().to_numpy()
    if extra.any():  # an empty trailing delimiter is harmless, a value there is not
        reader = csv.reader(io.StringIO(text[start:], newline=""), delimiter=delimiter)
        line = next(islice((reader.line_num for row in reader if row), extra.argmax(), None))
        raise DataError(f"File {name} cannot be read as a table: line {header_lines + line} has "
                        f"more fields than the {width} in the header; quote values that contain "
                        "the delimiter or fix that row.")
    return _check_columns(frame, header, name)


def _refuse_unclosed_quote(text: str, start: int, delimiter: str, name: str) -> None:
    """Refuse the file if a quote in its rows (from ``start``) opens and never closes."""
    lines = _Lines(text, start)
    row = begin = start
    try:
        for _ in csv.reader(lines, delimiter=delimiter):
            begin, row = row, lines.pos
    except csv.Error:  # a field over csv's size limit: the quote swallowed the rest of the file
        begin = row
    else:  # the last row ran to the end of the file: did it end inside a quote?
        if not _ends_inside_quote(text[begin:], delimiter):
            return
    line = text.count("\n", 0, begin) + 1
    raise DataError(f"File {name} cannot be read as a table: a quote (\") opened on line "
                    f"{line:,} is never closed, so everything after it reads as one value; close "
                    "or remove that quote and upload the file again.")


def _ends_inside_quote(text: str, delimiter: str) -> bool:
    """Whether ``text`` (CSV rows) ends inside a quoted field, by a strict reading."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


class _Lines:
    """The lines of ``text`` from ``pos`` on, for :func:`csv.reader`, without copying the text;
    ``pos`` is where the next line starts, so after each row it is where the row ended."""

    def __init__(self, text: str, pos: int):
        self.text, self.pos = text, pos

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.text):
            raise StopIteration
        end = self.text.find("\n", self.pos) + 1 or len(self.text)
        line, self.pos = self.text[self.pos:end], end
        return line


def _read_header(text: str, delimiter: str, name: str) -> tuple[list[str], int, int]:
    """The header cells, the character offset just after them and the lines they span."""
    part = text[:_HEADER_CHARS]  # a text stream costs 4 bytes per character, so not all of it
    stream = io.StringIO(part, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(row for row in reader if row)
    except csv.Error:  # a field longer than csv's limit: almost surely an unclosed quote
        header = []
    # a header that runs to the end of the text (or of the part read) never closed a quote
    if not header or stream.tell() == len(part) and (
            len(part) < len(text) or _ends_inside_quote(part, delimiter)):
        raise DataError(f"File {name} has a header row that never ends (usually a quote that "
                        "is never closed); check the first line of the file.")
    return header, stream.tell(), reader.line_num


def _detect_delimiter(text: str) -> tuple[str, float]:
    """Pick the delimiter; also return the share of sampled data rows that fit its header."""
    sample = text[:_SNIFF_CHARS]
    truncated = len(text) > len(sample)
    scores = {}
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        rows = [row for _, row in zip(range(_SNIFF_ROWS + 1), reader) if row]
        if truncated and len(rows) > 1:
            rows.pop()  # the cut may fall inside the last row
        header, body = rows[0], rows[1:]
        # A trailing delimiter on every data row is common and is read as no extra column.
        fits = sum(len(r) == len(header) or (len(r) == len(header) + 1 and not r[-1].strip())
                   for r in body)
        share = fits / len(body) if body else 1.0
        scores[delimiter] = (share if len(header) > 1 else 0.0, len(header))
    best = max(_DELIMITERS, key=scores.__getitem__)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = best
    # The sniffer counts characters without respecting quotes, so keep it only when it ties.
    chosen = sniffed if scores.get(sniffed) == scores[best] else best
    return chosen, scores[chosen][0]


def _check_columns(frame: pd.DataFrame, header: list[str], name: str) -> pd.DataFrame:
    if len(frame) == 0:
        raise DataError(f"File {name} has column names but no data rows; upload a file with "
                        "at least one row of data under the header.")
    names = [cell.strip() for cell in header]
    blank = [str(i) for i, cell in enumerate(names, start=1) if not cell]
    if blank:
        raise DataError(f"File {name} has a blank column name at position(s) {', '.join(blank)} "
                        "(often a saved row index); give every column a name in the header row.")
    repeated = [n for n, count in Counter(names).items() if count > 1]
    if repeated:
        raise DataError(f"File {name} has duplicate column names ("
                        f"{', '.join(repr(n) for n in repeated)}); rename them so every column "
                        "name is unique.")
    frame.columns = names
    return frame
