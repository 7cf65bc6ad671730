"""Text output off a terminal is written without rich (issue 12, start-up), and must stay byte for
byte what rich's console wrote there with ``soft_wrap``: the plain back end is checked against the
rich one on the same paragraphs, awkward characters included."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace

import pytest
from conftest import seed
from rich.console import Console

from nianbao.config import Config
from nianbao.export.text import TextWriter, text_writer
from nianbao.models import Finding, Location, verdict_of
from nianbao.render import draw
from nianbao.render import text as text_render
from nianbao.review import review_bytes
from nianbao.summary import Summary

# tabs after wide and combining characters, what rich strips (\r \a \v \f \b), markup-like text,
# trailing spaces, newlines inside a paragraph
AWKWARD = [
    "a\tb",
    "中文\t\t制表\t",
    "1234567\t8",
    "é\u0301\tz",
    "x\r\ny",
    "\x07\x0b\x0c\x08",
    "[bold]x[/] :smile:  ",
]


def piped(console_out: io.StringIO) -> Console:
    return Console(file=console_out, highlight=False, emoji=False, soft_wrap=True)


@pytest.fixture(scope="module")
def reviews():
    r = review_bytes(seed("003").read_bytes(), "seeds/003.txt", Config())
    odd = [
        replace(f, message=f.message + s, evidence=(f.evidence or "") + s)
        for f, s in zip(r.findings, AWKWARD * 9, strict=False)
    ]
    odd.append(
        Finding(rule="x", severity="info", part=None, location=Location(line=3), message="\t", source="llm")
    )
    verdict, counts = verdict_of(odd)
    awkward = replace(
        r,
        findings=odd,
        verdict=verdict,
        counts=counts,
        report=replace(r.report, title="标题\t" + AWKWARD[4]),
        narrative=replace(r.narrative, summary=AWKWARD[1], note=AWKWARD[3]),
    )
    return [r, awkward, replace(r, findings=[])]


def test_plain_is_what_rich_wrote_when_piped(reviews):
    for review in reviews:
        plain, rich = io.StringIO(), io.StringIO()
        draw.Plain(plain).draw(text_render.paragraphs(review))
        text_render.render(review, piped(rich))
        assert plain.getvalue() == rich.getvalue()


def test_batch_lines_are_what_rich_wrote_when_piped(reviews):
    with Summary(4, "verdict") as summary:
        for i, review in enumerate(reviews):
            summary.add(i, f"{i}\t{AWKWARD[i]}", review)
        summary.add(3, "空.txt", reason="文件为空\t")
        plain, rich = io.StringIO(), io.StringIO()
        for writer in (TextWriter(draw.Plain(plain), False, str), TextWriter(piped(rich), False, str)):
            writer.unreadable(3, "空.txt", "文件为空\t\x07")
            writer.finish(summary)
    assert "批量审阅汇总" in plain.getvalue() and plain.getvalue() == rich.getvalue()


def test_a_message_on_stderr_is_what_rich_wrote(capsys):
    for message in AWKWARD:
        draw.say(message)
        ours = capsys.readouterr().err
        Console(stderr=True, highlight=False, soft_wrap=True, emoji=False).print(message, markup=False)
        assert ours == capsys.readouterr().err


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": ""},
        {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
        {"TTY_COMPATIBLE": "1"},
    ],
)
def test_terminal_as_rich_sees_it(monkeypatch, env):
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for stream in (io.StringIO(), _Tty()):
        assert draw.is_terminal(stream) == Console(file=stream).is_terminal
        writer = text_writer(stream, True, str)
        assert isinstance(writer.out, draw.Plain) != draw.is_terminal(stream)


def test_piped_text_review_does_not_import_rich():
    code = (
        "import sys, io; from nianbao.export.text import text_writer; from nianbao.review import review_bytes; "
        f"w = text_writer(io.StringIO(), False, str); w.review(0, review_bytes(open({str(seed('004'))!r}, 'rb').read(), 'x.txt')); "
        "w.unreadable(1, 'y', 'z'); from nianbao.render.draw import say; say('msg'); "
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]" and out.stderr == "msg\n"
