"""Rules judged on the narrative by the LLM (or, offline, by the heuristic reviewer). They are
registered here so that ``nianbao rules`` documents them and the config can switch them."""

from .registry import narrative_rule

narrative_rule("overview-aspect-missing", "warning", "一", """
    第一部分「总体情况」没有覆盖五个方面之一（主动公开、依申请公开、政府信息管理、平台建设、监督保障）。

    What it checks: the five aspects of the 2021 format, mapped by meaning — sub-headings are
    often thematic (「（一）优化信息发布…」).
    Why: the format says part 一 mainly covers these five aspects.
    Example: 第一部分没有任何关于政府信息公开平台建设的内容.
""")
narrative_rule("assessment-results-missing", "warning", "一", """
    人民政府的报告没有写明工作考核、社会评议和责任追究的结果。

    What it checks: for a 人民政府 of any level, the 监督保障 aspect reports the results of
    考核, 社会评议 and 责任追究 — an explicit 「未发生」 is acceptable; listing the systems is not.
    Why: 条例第五十条第（四）项.
    Example: 「（五）监督保障」只写了组织领导和培训.
""")
narrative_rule("section5-weak", "info", "五", """
    第五部分空泛：没有具体问题、没有改进措施，或没有说明上年问题的整改情况。

    What it checks: concrete problems of the year, concrete measures, and the rectification of
    the problems named last year.
    Why: 条例第五十条第（四）项; assessors expect year-on-year rectification.
    Example: 只有一句「部分栏目更新不及时」.
""")
narrative_rule("narrative-internal-inconsistency", "warning", None, """
    正文自相矛盾（同一数量前后说法不同，或与所列名单不符）。

    What it checks: counts stated twice in the narrative (staff numbers, totals vs lists) (N-INTERNAL).
    Why: one of the two statements is wrong.
    Example: 「配备了信息公开工作人员3名」，但随后的名单列出 5 人.
""")
narrative_rule("boilerplate-text", "info", None, """
    套话或指南文字代替了本年度的实际情况，或前后矛盾的固定表述。

    What it checks: generic guide text (「公民、法人或者其他组织可申请…」) or stock phrases that do not
    fit the facts (「行政复议案件0件，所有案件均按照法定程序进行了办理」).
    Why: the report must state the year's facts.
    Example: 第二部分「依申请公开」只抄录了申请须知.
""")
narrative_rule("foreign-text-pasted", "warning", None, """
    正文中出现属于其他机关或其他行业的文字（复制粘贴痕迹）。

    What it checks: text that belongs to another body or sector.
    Why: a pasted paragraph misreports what the body did.
    Example: 乡镇报告写「把政务公开平台作为财政宣传的重要阵地」.
""")
narrative_rule("scope-unclear", "info", None, """
    报告把下属单位的数字混入本机关的统计。

    What it checks: figures that cover subordinate units (「受理向…各镇、各部门提起的申请」).
    Why: each body reports its own work; mixed scope makes the tables incomparable.
    Example: 「受理向经开区管委会各镇、各部门提起的信息公开申请26件」.
""")
narrative_rule("narrative-review-unavailable", "info", None, """
    大模型审阅不可用，本次只给出确定性检查结果。

    What it checks: nothing — it explains why the narrative review by the LLM did not run
    (timeout, rate limit, invalid answers after retries). The exit status is decided by the
    deterministic findings alone.
    Why: a failing LLM must never block or hide the deterministic review.
    Example: 大模型调用 4 次均失败（HTTP 500）.
""", detection="D")
