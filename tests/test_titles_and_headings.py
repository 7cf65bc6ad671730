"""Titles behind site navigation, titles given only by an HTML page's head, the issuer named after
the year, and part headings misprinted in their words but printed with the right ordinal."""

import pytest
from report_builder import CLEAN_NARRATIVE, build_report, replace

from extractors.document import Paragraph
from extractors.extract import extract
from extractors.load import load_bytes
from extractors.parts import find_parts
from nianbao.review import review_bytes

ISSUER = "青溪高新技术产业开发区管理委员会"
REPORT_NAME = "2024年政府信息公开工作年度报告"
# what a saved page or its PDF/DOCX print shows above the article
NAVIGATION = [
    "首页 国务院 省政府 市政府 市人大 市政协",
    "无障碍浏览 长者模式 登录 注册",
    "当前位置：首页 > 信息公开 > 政府信息公开年报",
    "政府信息公开年报",
]
PUBLISHED = "发布时间：2025-01-16 09:40 来源：高新区管委会办公室 字号：大 中 小"


def report(title: list[str]) -> str:
    return build_report(narrative={**CLEAN_NARRATIVE, "title": title, "signature": [ISSUER, "2025年1月20日"]})


def review(text: str):
    return review_bytes(text.encode(), "report.txt")


# 1. the title is found anywhere before the first part, never swallowing the navigation


@pytest.mark.parametrize(
    "title",
    [
        [*NAVIGATION, ISSUER, REPORT_NAME, PUBLISHED],
        [*NAVIGATION, f"{ISSUER}2024年政府信息公开", "", "工作年度报告", PUBLISHED],
        [*NAVIGATION, ISSUER, "2024年政府信息公开", "工作年度报告"],
    ],
    ids=["issuer-on-its-own-line", "split-with-blank", "three-lines"],
)
def test_title_behind_navigation(title):
    result = review(report(title))
    assert result.findings == [], [f.message for f in result.findings]
    assert result.report.title == ISSUER + REPORT_NAME
    assert result.report.issuer == ISSUER


def test_front_matter_behind_a_long_menu():
    """The statistics period and contact block are read after the title, however long the menu."""
    menu = [
        f"{name}服务专栏" for name in "政策规划财政人事统计应急教育医疗住房交通环保农业文旅民政就业社保"
    ] * 3
    result = review(report([*menu, *NAVIGATION, ISSUER, REPORT_NAME]))
    assert result.findings == [], [f.message for f in result.findings]
    assert result.report.period.start == "2024-01-01"


def test_a_bare_title_behind_navigation_still_lacks_its_issuer():
    hits = review(report([*NAVIGATION, REPORT_NAME, PUBLISHED])).findings
    assert [(f.rule, f.severity) for f in hits] == [("title-nonstandard", "warning")]
    assert hits[0].message == f"标题「{REPORT_NAME}」缺少发布机关"


def test_a_title_glued_into_a_flattened_navigation_line():
    """A web page printed to PDF may join the breadcrumb, the title and the publication info."""
    glued = f"当前位置：首页>信息公开>政府信息公开年报{ISSUER}{REPORT_NAME}来源：管委会办公室时间：2025-01-16"
    result = review(report([*NAVIGATION[:2], glued]))
    assert result.findings == [], [f.message for f in result.findings]
    assert result.report.title == ISSUER + REPORT_NAME


# 2. an HTML page's title, from its head or its article heading, is the report's first paragraph

PARTS_HTML = "".join(
    f"<p>{heading}</p><p>本部分内容从略。</p>"
    for heading in (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    )
)
# the body mentions the report name near its start, as real introductions do
INTRO = "<p>根据《条例》和上级关于编制2024年政府信息公开工作年度报告的通知，编制本报告。</p>"


def page(head: str = "", heading: str = "", article_title: str = "") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>
<div class="top-nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/nb/">政府信息公开年报</a></div>
{heading}<div class="info">发布时间：2025-01-16 来源：高新区管委会办公室</div>
<div class="article">{article_title}{INTRO}{PARTS_HTML}</div></body></html>""".encode()


@pytest.mark.parametrize(
    "html",
    [
        page(head=f"<title>{ISSUER}{REPORT_NAME}_{ISSUER}门户网站</title>"),
        page(
            head=f'<title>政府信息公开年报 - {ISSUER}门户网站</title><meta name="ArticleTitle" content="{ISSUER}{REPORT_NAME}">'
        ),
        page(head=f'<meta property="og:title" content="{ISSUER}{REPORT_NAME} - 门户网站">'),
        page(heading=f'<div class="detail-title">{ISSUER}{REPORT_NAME}</div>'),
        page(heading=f"<h2>{ISSUER}<br>{REPORT_NAME}</h2>"),
    ],
    ids=["title-tag", "article-title-meta", "og-title", "title-class", "h2"],
)
def test_html_title_is_inserted_before_the_article(html):
    doc = load_bytes(html)
    assert doc.paragraphs[0].text == ISSUER + REPORT_NAME
    ex = extract(doc)
    assert (ex.meta.title, ex.meta.issuer) == (ISSUER + REPORT_NAME, ISSUER)
    assert "title-nonstandard" not in {f.rule for f in review_bytes(html, "page.html").findings}


def test_html_article_that_starts_with_its_title_gets_no_second_one():
    html = page(
        head=f'<meta name="ArticleTitle" content="{ISSUER}{REPORT_NAME}">',
        article_title=f"<p><strong>{ISSUER}<br>{REPORT_NAME}</strong></p>",
    )
    assert [p.text for p in load_bytes(html).paragraphs[:2]] == [ISSUER, REPORT_NAME]


# 3. the issuer may follow the year


@pytest.mark.parametrize(
    "title, issuer",
    [
        (f"2024年{ISSUER}政府信息公开工作年度报告", ISSUER),
        ("2024年度青溪市人民政府办公室政府信息公开工作年度报告", "青溪市人民政府办公室"),
        ("2024年青溪市人民政府信息公开工作年度报告", "青溪市人民政府"),
    ],
    ids=["committee", "office", "shared-政府"],
)
def test_issuer_after_the_year(title, issuer):
    result = review(report([title]))
    assert result.findings == [], [f.message for f in result.findings]
    assert result.report.issuer == issuer


def test_nothing_between_year_and_name_is_no_issuer():
    hits = review(report(["2024年度政府信息公开工作年度报告"])).findings
    assert [f.rule for f in hits] == ["title-nonstandard"]


# 4. a misprinted heading with the right ordinal in the right place is that part, nonstandard


def test_misprinted_heading_is_nonstandard_not_missing():
    text = replace(
        report([ISSUER, REPORT_NAME]),
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、政府信息公开行政法复议、行政诉讼情况",
    )
    hits = review(text).findings
    assert [(f.rule, f.severity) for f in hits] == [("part-heading-nonstandard", "warning")]
    assert "「四、政府信息公开行政法复议、行政诉讼情况」" in hits[0].message
    assert "「四、政府信息公开行政复议、行政诉讼情况」" in hits[0].message


def _parts(*texts: str) -> list[tuple[str, str]]:
    return [(h.part, h.text) for h in find_parts([Paragraph(t, i + 1) for i, t in enumerate(texts)])]


def test_table_rows_and_numbered_items_are_not_misprinted_headings():
    """Flattened table 三 rows and part 五's numbered items keep their ordinals but not the words."""
    found = _parts(
        "一、总体情况",
        "二、主动公开政府信息情况",
        "一、本年新收政府信息公开申请数量",
        "三、本年度办理结果",
        "四、结转下年度继续办理",
        "五、存在的主要问题及改进情况",
        "三是信息更新不够及时。",
        "六、加强政务公开队伍建设",
        "本年度未收取信息处理费。",
    )
    assert found == [
        ("一", "一、总体情况"),
        ("二", "二、主动公开政府信息情况"),
        ("五", "五、存在的主要问题及改进情况"),
    ]


def test_a_misprinted_heading_is_looked_for_only_between_its_neighbours():
    found = _parts(
        "一、总体情况",
        "四、行政复议诉讼情况说明",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    )
    assert "四" not in {part for part, _ in found}
    found = _parts(
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、行政复议诉讼情况说明",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    )
    assert ("四", "四、行政复议诉讼情况说明") in found
