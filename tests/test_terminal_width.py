"""Text output in a terminal of any width: rich wraps every paragraph itself with a hanging indent and
never splits a rule id, a number or a masked phone number; piped output is plain, one paragraph a line."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from conftest import seed
from rich.cells import cell_len
from rich.console import Console

from nianbao.config import Config
from nianbao.models import Finding, Location, verdict_of
from nianbao.render import text
from nianbao.render.wrap import Hanging, breaks
from nianbao.review import review_bytes

TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-.*]*[0-9A-Za-z*]")
LONG = Finding(
    rule="personal-info-exposed",
    severity="error",
    part=None,
    location=Location(line=28),
    message="公开了个人手机号码 5 处（4 个不同号码）：187****7806（第 28 行）、151****6508（第 34 行）、"
    "136****4967（第 39 行）、178****1422（第 49 行）；应删除，只保留办公室的公开联系方式",
    evidence="联系人：张三，手机 187****7806，办公电话 0533-7870969，邮箱 zibojingkaiqubangongshi@zb.shandong.cn",
)
LLM = Finding(
    rule="narrative-table-mismatch",
    severity="warning",
    part="一",
    source="llm",
    location=Location(line=9, cell="t3.results_total.natural_person"),
    message="叙述说全年受理政府信息公开申请1234件、办结1,230件，表三「（七）总计」行「自然人」列为 26 件",
)


@pytest.fixture(scope="module")
def review():
    r = review_bytes(seed("001").read_bytes(), "seeds/001.txt", Config(disable=["vague-time-reference"]))
    findings = [LONG, LLM, *r.findings]
    verdict, counts = verdict_of(findings)
    return replace(r, findings=findings, verdict=verdict, counts=counts)


def rendered(review, width: int | None = None, piped: bool = False) -> list[str]:
    buf = io.StringIO()
    console = Console(file=buf, width=width or 80, soft_wrap=piped, highlight=False, emoji=False)
    text.render(review, console)
    return buf.getvalue().splitlines()


@pytest.mark.parametrize("width", [100, 72, 60])
def test_lines_fit_nothing_is_split_and_continuations_hang(review, width):
    lines = rendered(review, width)
    assert "\x1b" not in "".join(lines)  # not a terminal: no colour codes
    assert max(cell_len(line) for line in lines) <= width
    for f in review.findings:
        for token in TOKEN.findall(f"{f.message} [{f.rule}] {f.evidence}"):
            assert any(token in line for line in lines), (width, token)
    start = next(i for i, line in enumerate(lines) if line.startswith("  错误 公开了个人手机号码"))
    continuation = lines[start + 1]
    assert continuation.startswith(" " * 7) and not continuation.startswith(" " * 8)
    assert any("「大模型判断」" in line for line in lines)
    assert any(
        "表三「（七）总计」行「自然人」列" in "".join(lines[i : i + 3]).replace(" ", "")
        for i in range(len(lines))
    )
    assert any("格式模板：混用" in line for line in lines)


def test_piped_output_is_one_plain_line_a_paragraph(review):
    lines = rendered(review, 60, piped=True)
    assert "\x1b" not in "".join(lines)
    found = [line for line in lines if "公开了个人手机号码" in line]
    assert found and all(
        line.startswith("  错误 ") and line.endswith("[personal-info-exposed] 第28行") for line in found
    )
    assert "按配置停用的规则（未检查）：vague-time-reference" in lines
    assert not any("用时" in line or "ms" in line for line in lines)


def test_breaks_keep_tokens_and_punctuation_with_their_neighbours():
    body = "第六部分标题「其它需要报告的事项」缺少序号，号码136****4967。"
    for width in range(13, 40):  # 「136****4967。」 is 13 cells
        cuts = breaks(body, width)
        pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
        assert all(cell_len(p) <= width for p in pieces)
        assert any("136****4967" in p for p in pieces)
        assert not any(p[0] in "，。」" for p in pieces) and not any(p[-1] == "「" for p in pieces)


def test_a_place_as_people_say_it_stays_on_one_line():
    body = "表三左上角说明文字被截断（第 64 行），已清除  [conversion-artifact] 第303行 第2页 第21–50行"
    for width in range(12, 60):
        cuts = breaks(body, width)
        pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
        for place in ("第 64 行", "第303行", "第2页", "第21–50行"):
            assert any(place in p for p in pieces), (width, pieces)


def test_a_token_wider_than_the_line_is_folded_rather_than_overflowing():
    buf = io.StringIO()
    Console(file=buf, width=20).print(Hanging("  ", "x" * 50))
    assert all(cell_len(line) <= 20 for line in buf.getvalue().splitlines())
