"""Legacy Word/WPS/RTF: converted to .docx by LibreOffice (headless), then read as .docx."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .document import Document
from .docx_loader import load_docx
from .errors import LimitError, LoadError

DEFAULT_TIMEOUT = 60.0
# The .docx LibreOffice writes is about the size of its input (at most 50 MB by default) and is read
# whole; past this, a small .doc unfolded into something else. Its members then pass load_docx's
# limits like any .docx (an embedded spreadsheet is one more ZIP member, never opened).
MAX_CONVERTED_BYTES = 100 * 1024 * 1024
# the suffixes LibreOffice is given, and the format a review names (a .wps is not a Word file to its user)
_FORMATS = {".doc": "doc", ".dot": "doc", ".wps": "wps", ".wpt": "wps", ".rtf": "rtf"}


def load_legacy(data: bytes, name: str) -> Document:
    suffix = Path(name).suffix.lower()
    if suffix not in _FORMATS:  # LibreOffice sniffs the content, the suffix only picks a first guess
        suffix = ".rtf" if data.startswith(b"{\\rtf") else ".doc"
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-", ignore_cleanup_errors=True) as tmp:
        source = Path(tmp) / f"input{suffix}"
        source.write_bytes(data)
        convert([source], "docx", Path(tmp))
        converted = source.with_suffix(".docx")
        if not converted.is_file():
            raise LoadError("LibreOffice 未能把该文件转换为 .docx（文件可能已损坏，或不是 Word/WPS 文档）")
        if (size := converted.stat().st_size) > MAX_CONVERTED_BYTES:
            raise LimitError(
                f"LibreOffice 转换出的 .docx 有 {size >> 20} MB，超过 {MAX_CONVERTED_BYTES >> 20} MB"
            )
        document = load_docx(converted.read_bytes())
    document.format = _FORMATS[suffix]
    return document


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise LoadError("需要 LibreOffice（soffice）才能读取 .doc/.wps 文件，但本机未安装")
    return found


def _timeout() -> float:
    try:
        value = float(os.environ.get("NIANBAO_SOFFICE_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def convert(sources: list[Path], target: str, outdir: Path) -> None:
    """``soffice --convert-to target`` into ``outdir``; LoadError on a missing soffice, failure or timeout.

    Each call gets its own profile: runs sharing one fail silently (rc=1, no output).
    """
    limit = _timeout()
    # a killed soffice.bin may still be writing its profile while it is removed: ignore that
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-profile-", ignore_cleanup_errors=True) as profile:
        command = [
            _soffice(),
            "--headless",
            "--norestore",
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        try:
            # own session, so a timeout can kill soffice.bin and its helpers, not just the launcher
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            raise LoadError(f"无法启动 LibreOffice（{exc.strerror or exc}）") from None
        try:
            returncode = process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):  # it may have exited just now
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise LoadError(
                f"LibreOffice 转换超时（超过 {limit:g} 秒），已终止；可调大 NIANBAO_SOFFICE_TIMEOUT"
            ) from None
    if returncode != 0:
        raise LoadError(f"LibreOffice 转换失败（退出码 {returncode}），文件可能已损坏或格式不受支持")
