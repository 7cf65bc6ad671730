"""Scanned reports (issue 13): the project's own reports, rendered to page images, degraded and
wrapped as image-only PDFs, a mixed PDF, a PNG and a TIFF (``scripts/make_scans.py``), are read by
OCR into the same cells and findings as their text versions, with honest confidence.

OCR costs seconds a page, so every page is recognised once per test session: the module shares one
cache directory, and the reviews below are made once each.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from extractors import ocr, ocr_engine, onnx_fusion
from extractors.errors import LimitError, LoadError
from extractors.load import load_bytes, load_path
from extractors.tables import LOW_CONFIDENCE
from nianbao.batch import _Job, _Pool, _Task
from nianbao.config import Config
from nianbao.review import analyze_bytes, review_bytes

# OCR takes 5–15 s a page on two free cores, and several times that when the machine is busy
pytestmark = pytest.mark.timeout(900)

FIXTURES = Path(__file__).parent / "fixtures"
SCANS = FIXTURES / "scans"
GENERATED = FIXTURES / "generated"


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    directory = tmp_path_factory.mktemp("ocr-cache")
    patch.setenv("NIANBAO_OCR_CACHE", str(directory))
    patch.delenv("NIANBAO_OCR", raising=False)
    yield directory
    patch.undo()


_reviews: dict[str, dict] = {}


def review(path: Path) -> dict:
    if path not in _reviews:
        _reviews[path] = review_bytes(path.read_bytes(), str(path)).to_json_dict()
    return _reviews[path]


def cells(data: dict) -> dict:
    return {key: data["tables"][key] for key in ("t2", "t3", "t4")}


def findings(data: dict, severity: str | None = None) -> list[tuple[str, str, str]]:
    """What a finding says, without where (a scan's page lines may differ) and without ocr-pages."""
    return sorted(
        (f["rule"], f["severity"], f["message"])
        for f in data["findings"]
        if f["rule"] != "ocr-pages" and severity in (None, f["severity"])
    )


def confidences(data: dict) -> dict[str, float | None]:
    return {key: raw.get("confidence") for key, raw in data["tables"]["cells_raw"].items()}


# ---- what a clean scan gives ------------------------------------------------------------------


def test_a_300_dpi_scan_gives_the_text_versions_cells_and_findings():
    scan, text = review(SCANS / "000-300dpi.pdf"), review(GENERATED / "000.pdf")
    assert cells(scan) == cells(text)
    assert findings(scan) == findings(text)
    assert scan["verdict"] == text["verdict"]


def test_the_review_says_which_pages_were_read_by_ocr():
    scan = review(SCANS / "000-300dpi.pdf")
    assert scan["report"]["ocr_pages"] == [1, 2, 3]
    [note] = [f for f in scan["findings"] if f["rule"] == "ocr-pages"]
    assert note["severity"] == "info" and note["message"].startswith("第 1、2、3 页为扫描件，文字经 OCR 识别")
    assert review(GENERATED / "000.pdf")["report"]["ocr_pages"] == []


def test_ocr_cells_keep_their_confidence_and_box_and_text_cells_have_none():
    document = load_path(SCANS / "000-300dpi.pdf")[0]
    [t3] = [t for t in document.tables if any("本年新收" in c.text for c in t.cells())]
    numbers = [c for c in t3.cells() if c.text.isdigit()]
    assert len(numbers) >= 150
    for cell in numbers:
        x0, top, x1, bottom = cell.box
        assert 0 <= cell.confidence <= 1 and cell.page in (2, 3)
        assert 0 < x0 < x1 < 595 and 0 < top < bottom < 842
    text = load_path(GENERATED / "000.pdf")[0]
    assert all(c.confidence is None and c.box is None for t in text.tables for c in t.cells())


# ---- degraded scans: doubt, never a false error -----------------------------------------------


def test_a_degraded_scan_gives_no_error_the_text_version_does_not_have():
    """150 dpi, fed askew, blurred, JPEG at quality 35, a red seal over the signature."""
    scan, text = review(SCANS / "002-150dpi-degraded.pdf"), review(GENERATED / "002.pdf")
    assert set(findings(scan, "error")) <= set(findings(text, "error"))
    assert scan["report"]["ocr_pages"] == [1, 2, 3]
    assert scan["report"]["issuer"] == text["report"]["issuer"]
    assert scan["report"]["signed_on"] == text["report"]["signed_on"]  # read through the seal


def test_a_number_ocr_misread_is_flagged_as_doubtful_never_trusted():
    """Honest confidence: every cell read differently from the text version is below the bar at
    which a failed relation becomes 「需人工核对」 instead of an error; nothing is corrected."""
    scan, text = review(SCANS / "002-150dpi-degraded.pdf"), review(GENERATED / "002.pdf")
    raw_scan, raw_text = scan["tables"]["cells_raw"], text["tables"]["cells_raw"]
    misread = [key for key in raw_text if raw_scan.get(key, {}).get("raw") != raw_text[key]["raw"]]
    sure = [key for key in misread if key in raw_scan and raw_scan[key]["confidence"] >= LOW_CONFIDENCE]
    assert sure == []


# ---- mixed PDFs and pictures ------------------------------------------------------------------


def test_a_pdf_with_one_scanned_page_is_read_page_by_page():
    scan, text = review(SCANS / "004-mixed.pdf"), review(GENERATED / "004.pdf")
    assert scan["report"]["ocr_pages"] == [3]
    assert cells(scan) == cells(text)
    assert findings(scan) == findings(text)


def test_a_multi_page_tiff_is_read_page_by_page():
    """Pages 2 and 3 of seed 002 at 200 dpi: tables 三 and 四, part 六 and the signature."""
    document = load_path(SCANS / "002-tables.tif")[0]
    assert document.format == "image" and document.ocr_pages == [1, 2]
    scan = analyze_bytes((SCANS / "002-tables.tif").read_bytes(), "002-tables.tif")
    text = analyze_bytes((GENERATED / "002.pdf").read_bytes(), "002.pdf")
    for address, ref in text.ex.tables.cells.items():
        if address.startswith(("t3.", "t4.")):
            assert scan.ex.tables.cells[address].raw == ref.raw, address
    assert scan.ex.meta.signed_on.value == text.ex.meta.signed_on.value


def test_a_png_page_is_read():
    document = load_path(SCANS / "002-top.png")[0]
    assert document.format == "image" and document.ocr_pages == [1]
    assert "2024年政府信息公开工作年度报告" in document.text and "清风店镇" in document.text


# ---- pages read side by side, within the CPUs the process may use --------------------------------


def test_pages_read_side_by_side_give_what_one_at_a_time_gives(monkeypatch, tmp_path):
    readings = []
    for threads in ("2", "1"):
        monkeypatch.setenv("NIANBAO_OCR_CACHE", str(tmp_path / threads))  # recognised afresh
        monkeypatch.setenv("NIANBAO_OCR_THREADS", threads)
        document = load_path(SCANS / "002-tables.tif")[0]
        readings.append((document.lines, [c.confidence for t in document.tables for c in t.cells()]))
    assert readings[0] == readings[1]


@pytest.fixture
def no_engines(monkeypatch):
    """A pool of its own, for fake engines never lent to a real reading."""
    monkeypatch.setattr(ocr_engine, "_free", [])
    monkeypatch.setattr(ocr_engine, "_made", 0)
    monkeypatch.setattr(ocr_engine, "_lending", threading.Condition())


def test_no_more_engines_are_lent_at_once_than_the_process_may_use(monkeypatch, no_engines):
    monkeypatch.setenv("NIANBAO_OCR_THREADS", "2")
    monkeypatch.setattr(ocr_engine, "_new", object)
    busy, most, lock = 0, 0, threading.Lock()

    def read() -> None:
        nonlocal busy, most
        with ocr_engine.engine():
            with lock:
                busy += 1
                most = max(most, busy)
            time.sleep(0.02)
            with lock:
                busy -= 1

    workers = [threading.Thread(target=read) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert most == 2 and ocr_engine._made == 2 and len(ocr_engine._free) == 2


def test_pages_come_back_in_order_and_few_are_taken_ahead(monkeypatch):
    monkeypatch.setenv("NIANBAO_OCR_THREADS", "2")
    taken = []

    def pages():
        for number in range(1, 9):
            taken.append(number)
            yield ("image", number, 1.0) if number % 3 else f"text page {number}"

    def read_image(image, number, points_per_pixel):
        time.sleep(0.01 * (number % 2))  # odd pages take longer: they end out of order
        return f"page {number}"

    monkeypatch.setattr(ocr, "read_image", read_image)
    read = []
    for page in ocr.read_pages(pages()):
        read.append(page)
        assert len(taken) <= len(read) + 2  # the page awaited and two ahead, never the whole scan
    assert read == [f"text page {n}" if n % 3 == 0 else f"page {n}" for n in range(1, 9)]


def test_a_batch_worker_reads_on_its_share_of_the_cpus(monkeypatch):
    monkeypatch.delenv("NIANBAO_OCR_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})  # forked with the workers
    assert ocr_engine.threads() == 4  # a single review: every CPU
    for size, share in ((1, 4), (2, 2), (4, 1)):
        with _Pool(size, _Job(Config())) as pool:
            pool.submit(_Task(0, _threads, None, 30))
            [(_, threads)] = pool.wait([])
        assert threads == share, size
    monkeypatch.setenv("NIANBAO_OCR_THREADS", "3")
    assert ocr_engine.threads() == 3


def _threads(job, arg) -> int:
    return ocr_engine.threads()


# ---- the models, their element-wise steps fused --------------------------------------------------


def test_the_fused_models_compute_what_the_shipped_ones_do():
    import cv2
    import numpy as np
    import onnxruntime as ort
    import rapidocr_onnxruntime
    from PIL import Image

    grey = np.asarray(Image.open(SCANS / "002-top.png").convert("L"))
    line = grey[331:374, 193:537]  # the start of a line of text, as the recogniser is shown one
    pictures = {"det": cv2.resize(grey, (1024, 480)), "rec": cv2.resize(line, (384, 48))}
    for name, picture in pictures.items():
        model = str(Path(rapidocr_onnxruntime.__file__).parent / f"models/ch_PP-OCRv4_{name}_infer.onnx")
        fused = onnx_fusion.fused(model)
        assert b"HardSwish" in fused  # the rewrite found its patterns in the shipped model
        shipped, ours = (ort.InferenceSession(m, providers=["CPUExecutionProvider"]) for m in (model, fused))
        page = np.repeat((picture.astype(np.float32) / 127.5 - 1)[None, None], 3, axis=1)
        feed = {shipped.get_inputs()[0].name: page}
        expected, got = shipped.run(None, feed)[0], ours.run(None, feed)[0]
        assert got.shape == expected.shape and np.abs(got - expected).max() < 1e-3
        assert (expected > 0.3).any()  # text was found: the page is no blank that any model passes
        if name == "rec":  # the same character, or none, at every step of the line
            assert (got.argmax(-1) == expected.argmax(-1)).all() and (expected.argmax(-1) > 0).sum() > 3


# ---- the cache ----------------------------------------------------------------------------------


def test_a_page_read_before_comes_from_the_cache_without_recognition(monkeypatch, cache):
    first = load_path(SCANS / "004-mixed.pdf")[0]
    assert any(cache.rglob("*.json"))

    def no_recognition(grey):
        raise AssertionError("the recogniser ran on a cached page")

    monkeypatch.setattr(ocr, "recognise", no_recognition)
    again = load_path(SCANS / "004-mixed.pdf")[0]
    assert again.lines == first.lines
    assert [c.confidence for t in again.tables for c in t.cells()] == [
        c.confidence for t in first.tables for c in t.cells()
    ]


def test_a_page_never_seen_is_recognised(monkeypatch):
    calls = []
    monkeypatch.setattr(ocr, "recognise", lambda grey: calls.append(grey.shape) or [])
    with pytest.raises(LoadError, match="OCR 没有在其中识别出文字"):
        load_bytes(_png(640, 900, blank=True), "blank.png")
    assert len(calls) == 1


# ---- switched off, and what is refused --------------------------------------------------------


def test_with_ocr_off_scans_are_refused_as_before(monkeypatch):
    monkeypatch.setenv("NIANBAO_OCR", "0")
    with pytest.raises(LoadError, match=r"PDF 没有文字层（可能是扫描件），OCR 已关闭"):
        load_path(FIXTURES / "bad/image_only.pdf")
    with pytest.raises(LoadError, match="是TIFF 图片，OCR 已关闭"):
        load_path(SCANS / "002-tables.tif")


def test_an_image_only_pdf_is_read_by_ocr():
    """The old refusal's fixture: a scanned page bearing only a title, read as what it is."""
    document = load_path(FIXTURES / "bad/image_only.pdf")[0]
    assert document.ocr_pages == [1] and "2024年政府信息公开工作年度报告" in document.text.replace(" ", "")


def test_an_image_with_more_pixels_than_any_scan_is_refused_before_decoding():
    with pytest.raises(LimitError, match="超过 5000 万像素"):
        load_bytes(_png(10_000, 6_000), "huge.png")
    with pytest.raises(LimitError, match="像素超过 5000 万"):
        load_bytes(_png(100_000, 100_000), "bomb.png")  # past Pillow's own bomb check


# ---- the command line -------------------------------------------------------------------------


def nianbao(*args, env=None):
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=600,
    )
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    return proc


def test_a_batch_of_scans_and_text_files_with_two_jobs(tmp_path):
    for source in (SCANS / "000-300dpi.pdf", SCANS / "004-mixed.pdf", GENERATED / "002.pdf"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    review(SCANS / "000-300dpi.pdf"), review(SCANS / "004-mixed.pdf")  # their pages are in the cache
    proc = nianbao("review", tmp_path, "--jobs", "2", "--no-llm", "--format", "json", "--timeout", "300")
    batch = [d for d in json.loads(proc.stdout) if d["schema"] == "nianbao.review/1"]
    by_name = {Path(d["source"]["path"]).name: d for d in batch}
    assert set(by_name) == {"000-300dpi.pdf", "004-mixed.pdf", "002.pdf"}
    assert by_name["000-300dpi.pdf"]["report"]["ocr_pages"] == [1, 2, 3]
    assert by_name["004-mixed.pdf"]["report"]["ocr_pages"] == [3]
    assert by_name["002.pdf"]["report"]["ocr_pages"] == []
    assert cells(by_name["000-300dpi.pdf"]) == cells(review(GENERATED / "000.pdf"))


def test_no_ocr_on_the_command_line_keeps_the_refusal():
    proc = nianbao("review", FIXTURES / "bad/image_only.pdf", "--no-llm", "--no-ocr")
    assert proc.returncode == 2 and proc.stdout == ""
    [line] = proc.stderr.strip().splitlines()
    assert "image_only.pdf" in line and "没有文字层" in line and "OCR 已关闭" in line


def test_a_scan_with_no_text_at_all_exits_2_with_the_reason(tmp_path):
    path = tmp_path / "blank.png"
    path.write_bytes(_png(1240, 1754, blank=True))
    proc = nianbao("review", path, "--no-llm")
    assert proc.returncode == 2 and "OCR 没有在其中识别出文字" in proc.stderr


def test_a_pixel_bomb_exits_2_in_one_chinese_line(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png(100_000, 100_000))
    proc = nianbao("review", path, "--no-llm")
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert "bomb.png" in line and "像素超过" in line


def _png(width: int, height: int, blank: bool = False) -> bytes:
    """A greyscale PNG whose header states ``width``×``height``; its pixels are white when
    ``blank`` (written in full), else left out (a bomb's header is all a decoder needs to see)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    pixels = zlib.compress((b"\x00" + b"\xff" * width) * height) if blank else zlib.compress(b"\x00")
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
