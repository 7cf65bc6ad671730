#!/usr/bin/env python3
"""Hostile input files (issue 10), one per row of ``ROWS``, written into a folder at run time.

Bombs are written from deflate blocks compressed once and repeated, so a 2 GiB member costs 2 MB
on disk and well under a second to write: nothing here is committed. ``tests/test_hostile_files.py``
and ``bench/bench_hostile.py`` build their files with ``build``; by hand:

    python scripts/make_hostile.py OUTDIR           # every row
    python scripts/make_hostile.py OUTDIR ROW ...   # some rows
"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE_DOCX = ROOT / "tests/fixtures/generated/004.docx"
BASE_HTML = ROOT / "tests/fixtures/generated/004.html"
BASE_TXT = next((ROOT / "tests/fixtures/seeds").glob("004_*.txt"))
GIB = 1 << 30
_BLOCK = 1 << 24  # bytes of a bomb compressed at once, then repeated
_ZIP64 = 0xFFFFFFFF


# ---- ZIP containers ----------------------------------------------------------------------------


@dataclass
class Bomb:
    """A member holding ``prefix``, ``fill`` repeated ``times``, ``suffix``; its central directory
    entry states ``declared`` as the uncompressed size when given (a lie), else the true size."""

    prefix: bytes
    fill: bytes
    times: int
    suffix: bytes = b""
    declared: int | None = None


def _deflate(member: bytes | Bomb, checksum=zlib.crc32) -> tuple[int, int, list[tuple[bytes, int]]]:
    """(``checksum`` of the data, its size, raw deflate pieces with their repeat counts)."""
    if isinstance(member, bytes):
        member = Bomb(member, b"", 0)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    per_block = max(1, _BLOCK // max(1, len(member.fill)))
    blocks, rest = divmod(member.times, per_block)
    block = member.fill * per_block

    def piece(data: bytes) -> bytes:  # a full flush forgets the window: the piece can be repeated
        return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)

    pieces = [
        (piece(member.prefix), 1),
        (piece(block), blocks) if blocks else (b"", 0),
        (piece(member.fill * rest), 1),
        (compressor.compress(member.suffix) + compressor.flush(), 1),
    ]
    check = checksum(member.prefix)
    for _ in range(blocks):
        check = checksum(block, check)
    check = checksum(member.suffix, checksum(member.fill * rest, check))
    return check, len(member.prefix) + len(member.fill) * member.times + len(member.suffix), pieces


def write_zip(path: Path, members: dict[str, bytes | Bomb]) -> Path:
    """A deflated ZIP (ZIP64 entries where a size needs it), streamed so a bomb never sits in memory."""
    central = []
    with path.open("wb") as out:
        for name, member in members.items():
            crc, size, pieces = _deflate(member)
            declared = member.declared if isinstance(member, Bomb) and member.declared is not None else size
            packed = sum(len(data) * times for data, times in pieces)
            big = declared >= _ZIP64 or packed >= _ZIP64
            extra = struct.pack("<HHQQ", 1, 16, declared, packed) if big else b""
            sizes = (_ZIP64, _ZIP64) if big else (packed, declared)
            encoded = name.encode()
            offset = out.tell()
            version = 45 if big else 20
            out.write(
                struct.pack(
                    "<IHHHHHIIIHH", 0x04034B50, version, 0, 8, 0, 0x21, crc, *sizes, len(encoded), len(extra)
                )
                + encoded
                + extra
            )
            for data, times in pieces:
                for _ in range(times):
                    out.write(data)
            central.append(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    version,
                    version,
                    0,
                    8,
                    0,
                    0x21,
                    crc,
                    *sizes,
                    len(encoded),
                    len(extra),
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
                + extra
            )
        start = out.tell()
        out.write(b"".join(central))
        out.write(
            struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0
            )
        )
    return path


def _docx_members() -> dict[str, bytes]:
    with zipfile.ZipFile(BASE_DOCX) as base:
        return {name: base.read(name) for name in base.namelist()}


def _split_body_end(members: dict[str, bytes]) -> tuple[bytes, bytes]:
    xml = members["word/document.xml"]
    at = xml.rindex(b"</w:body>")
    return xml[:at], xml[at:]


def _with_doctype(xml: bytes, doctype: bytes, reference: bytes) -> bytes:
    """``xml`` with a DTD before its root and ``reference`` (an entity) as the first paragraph's text."""
    declaration_end = xml.index(b"?>") + 2
    xml = xml[:declaration_end] + doctype + xml[declaration_end:]
    return xml.replace(b"<w:body>", b"<w:body><w:p><w:r><w:t>" + reference + b"</w:t></w:r></w:p>", 1)


def docx_image_bomb(out: Path, size: int = 2 * GIB) -> Path:
    """A report whose 2 GiB image (zeros after a PNG signature) is related to the document: python-docx
    used to load every related part."""
    members = _docx_members()
    members["word/_rels/document.xml.rels"] = members["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdBomb" Target="media/image1.png" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/image"/></Relationships>',
    )
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"<Default ", b'<Default Extension="png" ContentType="image/png"/><Default ', 1
    )
    members["word/media/image1.png"] = Bomb(b"\x89PNG\r\n\x1a\n", b"\0", size - 8)
    return write_zip(out / f"image_bomb_{size // GIB}g.docx", members)


def docx_image_bomb_8g(out: Path) -> Path:
    """The same with an 8 GiB image (ZIP64): 8 MB on disk."""
    return docx_image_bomb(out, 8 * GIB)


def docx_xml_padding(out: Path) -> Path:
    """2 GiB of spaces inside word/document.xml, before the end of the body."""
    members = _docx_members()
    head, tail = _split_body_end(members)
    members["word/document.xml"] = Bomb(head, b" ", 2 * GIB, tail)
    return write_zip(out / "xml_padding.docx", members)


def docx_lying_size(out: Path) -> Path:
    """word/document.xml states 200 KB uncompressed but inflates to 2 GiB."""
    members = _docx_members()
    head, tail = _split_body_end(members)
    members["word/document.xml"] = Bomb(head, b" ", 2 * GIB, tail, declared=200_000)
    return write_zip(out / "lying_size.docx", members)


def docx_big_table(out: Path) -> Path:
    """A 50,000 × 50 table of empty cells (48 MB of XML, under 1 MB zipped)."""
    members = _docx_members()
    head, tail = _split_body_end(members)
    row = b"<w:tr>" + b"<w:tc><w:p/></w:tc>" * 50 + b"</w:tr>"
    members["word/document.xml"] = Bomb(head + b"<w:tbl>", row, 50_000, b"</w:tbl>" + tail)
    return write_zip(out / "big_table.docx", members)


def docx_many_cells(out: Path) -> Path:
    """A 2,500 × 10 table of random numbers: 25,000 cells in 1.5 MB of XML that compresses like a report."""
    rng = random.Random(10)
    members = _docx_members()
    head, tail = _split_body_end(members)
    rows = b"".join(
        b"<w:tr>"
        + b"".join(
            b"<w:tc><w:p><w:r><w:t>%d</w:t></w:r></w:p></w:tc>" % rng.randrange(10**6) for _ in range(10)
        )
        + b"</w:tr>"
        for _ in range(2_500)
    )
    members["word/document.xml"] = head + b"<w:tbl>" + rows + b"</w:tbl>" + tail
    return write_zip(out / "many_cells.docx", members)


def docx_big_xml(out: Path) -> Path:
    """12 MB of hex digits in one paragraph of word/document.xml: compresses like text (2:1)."""
    members = _docx_members()
    head, tail = _split_body_end(members)
    text = random.Random(10).randbytes(6 << 20).hex().encode()
    members["word/document.xml"] = head + b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>" + tail
    return write_zip(out / "big_xml.docx", members)


def docx_bzip2_member(out: Path) -> Path:
    """word/document.xml compressed with bzip2, which Word never writes (and whose bombs inflate 1:10⁶)."""
    path = out / "bzip2_member.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as docx:
        for name, data in _docx_members().items():
            docx.writestr(
                name, data, zipfile.ZIP_BZIP2 if name == "word/document.xml" else zipfile.ZIP_DEFLATED
            )
    return path


def docx_xxe(out: Path) -> Path:
    """An external entity naming /etc/passwd in word/document.xml."""
    members = _docx_members()
    members["word/document.xml"] = _with_doctype(
        members["word/document.xml"],
        b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        b"&xxe;",
    )
    return write_zip(out / "xxe.docx", members)


def _laughs(root: bytes) -> bytes:
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    return b"<!DOCTYPE " + root + b" [" + entities + b"]>"


def docx_billion_laughs(out: Path) -> Path:
    """Nine levels of tenfold entities in word/document.xml (10⁹ × "lol")."""
    members = _docx_members()
    members["word/document.xml"] = _with_doctype(
        members["word/document.xml"], _laughs(b"w:document"), b"&lol9;"
    )
    return write_zip(out / "billion_laughs.docx", members)


def docx_truncated(out: Path) -> Path:
    """A report cut in the middle of its ZIP (a download that stopped)."""
    data = BASE_DOCX.read_bytes()
    path = out / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    return path


# ---- HTML --------------------------------------------------------------------------------------


def _nested_divs(path: Path, depth: int) -> Path:
    path.write_bytes(
        b'<html><head><meta charset="utf-8"></head><body>'
        + b"<div>" * depth
        + "<p>一、总体情况</p>".encode()
        + b"</div>" * depth
        + b"</body></html>"
    )
    return path


def html_deep_nesting(out: Path) -> Path:
    """100,000 nested <div> around a part heading (1.1 MB)."""
    return _nested_divs(out / "deep_nesting.html", 100_000)


def html_deep_10k(out: Path) -> Path:
    """10,000 nested <div> around a part heading (110 KB): fewer tags than a page may have."""
    return _nested_divs(out / "deep_10k.html", 10_000)


def html_big_table(out: Path) -> Path:
    """The report page with a 150 × 150 table (22,500 cells) after its first table."""
    table = b"<table>" + (b"<tr>" + b"<td>1</td>" * 150 + b"</tr>") * 150 + b"</table>"
    path = out / "big_table.html"
    path.write_bytes(BASE_HTML.read_bytes().replace(b"</table>", b"</table>" + table, 1))
    return path


def html_billion_laughs(out: Path) -> Path:
    """The report page behind a DTD of tenfold entities, one used in the body."""
    page = BASE_HTML.read_bytes().replace(b"<!DOCTYPE html>", _laughs(b"html"))
    path = out / "billion_laughs.html"
    path.write_bytes(page.replace(b"<body>", b"<body><p>&lol9;</p>", 1))
    return path


def _charset(name: str) -> Callable[[Path], Path]:
    def build(out: Path) -> Path:
        path = out / f"charset_{name}.html"
        page = BASE_HTML.read_bytes()
        path.write_bytes(page.replace(b'<meta charset="utf-8">', b'<meta charset="%s">' % name.encode()))
        return path

    build.__doc__ = f'The report page declaring <meta charset="{name}">, a Python codec but no web charset.'
    return build


# ---- PDF ---------------------------------------------------------------------------------------

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _stream(data: bytes, head: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), head, data)


def _page(contents: int, parent: int = 2, resources: bytes = b"/Font << /F1 3 0 R >>") -> bytes:
    return (
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << %s >> /Contents %d 0 R >>"
        % (parent, resources, contents)
    )


def write_pdf(path: Path, objects: list[bytes]) -> Path:
    """Object n is ``objects[n - 1]``: 1 the catalog, by convention 2 the page tree and 3 the font."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)
    return path


def _one_page_pdf(path: Path, content: bytes) -> Path:
    return write_pdf(
        path,
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            _FONT,
            _page(5),
            _stream(content),
        ],
    )


def pdf_dense_page(out: Path) -> Path:
    """One page of 150,000 characters a point high, each placed on its own (4.5 MB)."""
    marks = b"".join(
        b"1 0 0 1 %.1f %.1f Tm (%c) Tj\n" % (10 + 1.9 * (i % 300), 20 + 1.6 * (i // 300), 97 + i % 26)
        for i in range(150_000)
    )
    return _one_page_pdf(out / "dense_page.pdf", b"BT /F1 1 Tf\n" + marks + b"ET")


def pdf_many_rulings(out: Path) -> Path:
    """One page of a word and 100,000 short stroked lines, each its own path object."""
    lines = b"".join(
        b"%d %d m %d %d l S\n" % (20 + i % 500, 20 + i // 500 * 4, 25 + i % 500, 20 + i // 500 * 4)
        for i in range(100_000)
    )
    return _one_page_pdf(out / "many_rulings.pdf", b"BT /F1 12 Tf 72 800 Td (report) Tj ET\n" + lines)


def pdf_flate_bomb(out: Path) -> Path:
    """One page whose content stream inflates to 2 GiB of spaces before its text (2 MB)."""
    adler, _, pieces = _deflate(
        Bomb(b"", b" ", 2 * GIB, b"BT /F1 12 Tf 72 720 Td (report) Tj ET"), zlib.adler32
    )
    stream = b"\x78\xda" + b"".join(data * times for data, times in pieces) + struct.pack(">I", adler)  # zlib
    return write_pdf(
        out / "flate_bomb.pdf",
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            _FONT,
            _page(5),
            _stream(stream, b"/Filter /FlateDecode "),
        ],
    )


def pdf_lattice(out: Path) -> Path:
    """One page of a word inside a ruled grid of 200 × 200 lines (39,601 cells)."""
    positions = [(20 + i * 2.75, 20 + i * 4) for i in range(200)]  # further apart than the reader's snap
    lines = b"".join(b"%.2f 20 m %.2f 820 l S\n20 %d m 575 %d l S\n" % (x, x, y, y) for x, y in positions)
    return _one_page_pdf(out / "lattice.pdf", b"BT /F1 1 Tf 21 21 Td (report) Tj ET\n" + lines)


def pdf_long_path(out: Path) -> Path:
    """One page of a word and one stroked zigzag path of 250,000 slanted segments (3 MB)."""
    points = b"".join(b"%d %d l " % (20 + i % 500, 20 + (i % 2) * 5 + i // 500) for i in range(250_000))
    return _one_page_pdf(
        out / "long_path.pdf", b"BT /F1 12 Tf 72 800 Td (report) Tj ET\n20 20 m " + points + b"S"
    )


def pdf_5000_pages(out: Path) -> Path:
    """5,000 pages of one word each."""
    pages = 5_000
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    return write_pdf(
        out / "5000_pages.pdf",
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            _FONT,
            _stream(b"BT /F1 12 Tf 72 720 Td (page) Tj ET"),
            *[_page(4)] * pages,
        ],
    )


def pdf_cyclic_pages(out: Path) -> Path:
    """A page tree whose second branch is the tree itself."""
    return write_pdf(
        out / "cyclic_pages.pdf",
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R 6 0 R] /Count 2 >>",
            _FONT,
            _page(5),
            _stream(b"BT /F1 12 Tf 72 720 Td (page) Tj ET"),
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ],
    )


def pdf_cyclic_form(out: Path) -> Path:
    """A page drawing a form XObject that draws itself."""
    form = _stream(
        b"BT /F1 12 Tf 72 720 Td (form) Tj ET /Fm0 Do",
        b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
        b"/Resources << /Font << /F1 3 0 R >> /XObject << /Fm0 6 0 R >> >> ",
    )
    return write_pdf(
        out / "cyclic_form.pdf",
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            _FONT,
            _page(5, resources=b"/Font << /F1 3 0 R >> /XObject << /Fm0 6 0 R >>"),
            _stream(b"/Fm0 Do"),
            form,
        ],
    )


# ---- text and paths ----------------------------------------------------------------------------


def txt_nul_after_4k(out: Path) -> Path:
    """The seed report with a NUL byte 5,000 bytes in (past the 4 KB the sniffer looks at)."""
    data = BASE_TXT.read_bytes()
    at = data.index(b"\n", 5_000) + 1
    path = out / "nul_after_4k.txt"
    path.write_bytes(data[:at] + b"\x00" + data[at:])
    return path


def txt_many_lines(out: Path) -> Path:
    """The seed report followed by a million one-character lines (3 MB)."""
    path = out / "many_lines.txt"
    path.write_bytes(BASE_TXT.read_bytes() + "字\n".encode() * 1_000_000)
    return path


def txt_long_line(out: Path) -> Path:
    """The seed report followed by one line of 4,100,000 characters (12 MB)."""
    path = out / "long_line.txt"
    path.write_bytes(BASE_TXT.read_bytes() + "字".encode() * 4_100_000)
    return path


def txt_utf16_odd(out: Path) -> Path:
    """The seed report as UTF-16 with a BOM, its last byte cut."""
    path = out / "utf16_odd.txt"
    path.write_bytes(BASE_TXT.read_text(encoding="utf-8").encode("utf-16")[:-1])
    return path


def path_symlink_loop(out: Path) -> Path:
    """A symbolic link pointing at itself."""
    path = out / "loop.docx"
    path.symlink_to(path.name)
    return path


def path_fifo(out: Path) -> Path:
    """A named pipe nobody writes to."""
    path = out / "pipe.txt"
    os.mkfifo(path)
    return path


def path_device(out: Path) -> Path:
    """/dev/zero: endless bytes of a size of 0."""
    return Path("/dev/zero")


ROWS: dict[str, Callable[[Path], Path]] = {
    "docx_image_bomb": docx_image_bomb,
    "docx_image_bomb_8g": docx_image_bomb_8g,
    "docx_xml_padding": docx_xml_padding,
    "docx_lying_size": docx_lying_size,
    "docx_big_table": docx_big_table,
    "docx_many_cells": docx_many_cells,
    "docx_big_xml": docx_big_xml,
    "docx_bzip2_member": docx_bzip2_member,
    "docx_xxe": docx_xxe,
    "docx_billion_laughs": docx_billion_laughs,
    "docx_truncated": docx_truncated,
    "html_deep_nesting": html_deep_nesting,
    "html_deep_10k": html_deep_10k,
    "html_big_table": html_big_table,
    "html_billion_laughs": html_billion_laughs,
    **{f"html_charset_{name}": _charset(name) for name in ("rot13", "base64", "zlib", "hex", "punycode")},
    "pdf_dense_page": pdf_dense_page,
    "pdf_many_rulings": pdf_many_rulings,
    "pdf_long_path": pdf_long_path,
    "pdf_lattice": pdf_lattice,
    "pdf_flate_bomb": pdf_flate_bomb,
    "pdf_5000_pages": pdf_5000_pages,
    "pdf_cyclic_pages": pdf_cyclic_pages,
    "pdf_cyclic_form": pdf_cyclic_form,
    "txt_nul_after_4k": txt_nul_after_4k,
    "txt_utf16_odd": txt_utf16_odd,
    "txt_many_lines": txt_many_lines,
    "txt_long_line": txt_long_line,
    "path_symlink_loop": path_symlink_loop,
    "path_fifo": path_fifo,
    "path_device": path_device,
}


def build(row: str, out: Path) -> Path:
    """Row ``row``'s file in folder ``out`` (a fresh one per row: some rows are not regular files)."""
    folder = out / row
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return ROWS[row](folder)


# Runs the command given and prints its exit status, output, seconds and peak RSS as JSON: the
# rusage of this wrapper's only child is the review's alone, whatever ran before in the caller.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
try:
    proc = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=float(sys.argv[1]))
    status, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
except subprocess.TimeoutExpired:
    status, stdout, stderr = None, "", "timeout"
print(json.dumps({"status": status, "stdout": stdout, "stderr": stderr, "seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


@dataclass
class Run:
    status: int | None  # None: killed at the time limit
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


def review(path: Path, timeout: float) -> Run:
    """``nianbao review PATH --no-llm --format json`` in a fresh process, measured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "NIANBAO"))}
    command = [sys.executable, "-m", "nianbao", "review", str(path), "--no-llm", "--format", "json"]
    wrapper = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(timeout), *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    return Run(**json.loads(wrapper.stdout))


def main(argv: list[str]) -> int:
    if not argv or any(row not in ROWS for row in argv[1:]):
        print(__doc__.strip(), "\nrows:", " ".join(ROWS), file=sys.stderr)
        return 2
    for row in argv[1:] or ROWS:
        path = build(row, Path(argv[0]))
        size = path.lstat().st_size if path.is_symlink() or path.is_file() else 0
        print(f"{row:24} {size / 1048576:8.2f} MB  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
