"""Builds a complete, clean 2021-format report in the seeds' tab form, from table values.

Tests change one value or one sentence and expect exactly the rule it breaks to fire."""

from __future__ import annotations

import copy

from extractors import schema as S

CLEAN_NARRATIVE = {
    "title": ["淄博经济开发区管理委员会", "2024年政府信息公开工作年度报告"],
    "front": "本年度报告中所列数据统计期限从2024年1月1日到2024年12月31日。如对报告内容有疑问，请与经开区管委会办公室联系"
    "（地址：淄博市张店区复兴路和重庆路路口东南角；邮编：255000；联系电话：0533-7870969；传真：0533-7870179；"
    "电子邮箱：zibojingkaiqubangongshi@zb.shandong.cn）。",
    "一": [
        "2024年，经开区管委会深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开促落实、助监督、强监管。",
        "（一）主动公开方面",
        "全年共发布信息974条，及时更新机构职能、规划信息、财务信息等法定主动公开内容，同步做好政策解读。",
        "（二）依申请公开方面",
        "2024年全年受理政府信息公开申请26件，全部依法依规予以办理。因依申请公开引发的行政复议案件0件，无结转下年度继续办理件。",
        "（三）政府信息管理方面",
        "动态更新政府信息主动公开目录，完善政府信息公开源头认定机制，对拟公开的政府信息依法依规做好保密审查。",
        "（四）政府信息公开平台方面",
        "及时调整优化政府信息公开平台栏目设置，截至2024年12月31日，微信信息发布量1846条。",
        "（五）监督保障方面",
        "年内组织召开相关培训会议2次。2024年，政府信息公开工作无社会评议和责任追究结果情况。",
    ],
    "五": [
        "存在的主要问题：一是个别单位信息更新不及时、发布不规范；二是基层政务公开工作人员力量薄弱。",
        "（一）明确专人加强信息发布审核，做好常态化提醒，推进问题整改。",
        "（二）加强政务公开人员队伍建设，开展政务公开业务培训。",
    ],
    "六": [
        "（一）依据《政府信息公开信息处理费管理办法》收取信息处理费的情况：本年度未收取信息处理费。",
        "（二）本年度建议提案办理情况：本年度未承办人大代表建议和政协提案。",
        "（三）本行政机关在政务公开制度、内容、形式和平台建设方面的创新实践情况：统一各单位答复口径，规范答复工作。",
        "（四）《2024年淄博市政务公开工作方案》落实情况：制定《2024年淄博经济开发区政务公开方案》，确保上级部署任务全面落实。",
    ],
    "signature": ["淄博经济开发区管理委员会", "2025年1月20日"],
}


def clean_values() -> dict[str, int | float]:
    """Seed 004's tables (spec §4.5): all relations hold."""
    values: dict[str, int | float] = {}
    for block, rows in S.T2_2021.items():
        for row, cols in rows.items():
            for col in cols:
                values[f"t2.{block}.{row}.{col}"] = 0
    values.update(
        {
            "t2.art20_5.admin_licensing.decisions": 18227,
            "t2.art20_6.admin_penalty.decisions": 202,
            "t2.art20_6.admin_coercion.decisions": 31,
            "t2.art20_8.admin_fees.amount_10k_yuan": 182.68,
        }
    )
    for row in S.T3_ROW_KEYS:
        for col in S.T3_COLUMNS:
            values[f"t3.{row}.{col}"] = 0
    for row, n in (
        ("new_received", 26),
        ("granted", 12),
        ("partially_granted", 10),
        ("denied_third_party", 2),
        ("unable_not_held", 2),
        ("results_total", 26),
    ):
        values[f"t3.{row}.natural_person"] = values[f"t3.{row}.total"] = n
    for grp in S.T4_GROUPS:
        for col in S.T4_COLUMNS:
            values[f"t4.{grp}.{col}"] = 0
    return values


def _cells(*texts: str) -> list[str]:
    return [f"\t{t}" for t in texts] + [""]


def _num(v) -> str:
    return "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def _t2(values: dict) -> list[str]:
    out: list[str] = []
    titles = {
        "art20_1": "第二十条第（一）项",
        "art20_5": "第二十条第（五）项",
        "art20_6": "第二十条第（六）项",
        "art20_8": "第二十条第（八）项",
    }
    headers = {
        "art20_1": ["本年制发件数", "本年废止件数", "现行有效件数"],
        "art20_5": ["本年处理决定数量"],
        "art20_6": ["本年处理决定数量"],
        "art20_8": ["本年收费金额（单位：万元）"],
    }
    for block, rows in S.T2_2021.items():
        out += _cells(titles[block]) + _cells("信息内容", *headers[block])
        for row, cols in rows.items():
            out += _cells(S.T2_LABELS_ZH[row], *(_num(values[f"t2.{block}.{row}.{c}"]) for c in cols))
    return out


_T3_LABELS = {
    "new_received": ["一、本年新收政府信息公开申请数量"],
    "carried_over": ["二、上年结转政府信息公开申请数量"],
    "granted": ["三、本年度办理结果", "（一）予以公开"],
    "partially_granted": ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    "denied_state_secret": ["（三）不予公开", "1.属于国家秘密"],
    "denied_law_prohibited": ["2.其他法律行政法规禁止公开"],
    "denied_security_stability": ["3.危及“三安全一稳定”"],
    "denied_third_party": ["4.保护第三方合法权益"],
    "denied_internal_affairs": ["5.属于三类内部事务信息"],
    "denied_process_info": ["6.属于四类过程性信息"],
    "denied_enforcement_file": ["7.属于行政执法案卷"],
    "denied_admin_query": ["8.属于行政查询事项"],
    "unable_not_held": ["（四）无法提供", "1.本机关不掌握相关政府信息"],
    "unable_needs_creation": ["2.没有现成信息需要另行制作"],
    "unable_unclear": ["3.补正后申请内容仍不明确"],
    "np_petition_complaint": ["（五）不予处理", "1.信访举报投诉类申请"],
    "np_repeat": ["2.重复申请"],
    "np_publication": ["3.要求提供公开出版物"],
    "np_excessive": ["4.无正当理由大量反复申请"],
    "np_confirm_reissue": ["5.要求行政机关确认或重新出具已获取信息"],
    "oh_no_correction": [
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ],
    "oh_fee_unpaid": ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
    "oh_other": ["3.其他"],
    "results_total": ["（七）总计"],
    "carried_forward": ["四、结转下年度继续办理"],
}


def _t3(values: dict) -> list[str]:
    out = _cells("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况")
    out += _cells("", "自然人", "法人或其他组织", "总计")
    out += _cells("", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "")
    for row, labels in _T3_LABELS.items():
        out += _cells(*labels, *(_num(values[f"t3.{row}.{c}"]) for c in S.T3_COLUMNS))
    return out


def _t4(values: dict) -> list[str]:
    cols = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    out = _cells("行政复议", "行政诉讼") + _cells(*cols, "未经复议直接起诉", "复议后起诉")
    out += _cells("", "", "", "", "", *cols, *cols)
    out += _cells(*(_num(values[f"t4.{g}.{c}"]) for g in S.T4_GROUPS for c in S.T4_COLUMNS))
    return out


def build_report(values: dict | None = None, narrative: dict | None = None) -> str:
    values = values or clean_values()
    n = copy.deepcopy(narrative or CLEAN_NARRATIVE)
    return _assemble(n, _t2(values), _t3(values), _t4(values))


def _assemble(n: dict, t2: list[str], t3: list[str], t4: list[str]) -> str:
    """The six parts in order around the three tables, as every builder lays a report out."""
    lines = [
        *n["title"],
        n["front"],
        "一、总体情况",
        *n["一"],
        "二、主动公开政府信息情况",
        *t2,
        "",
        "三、收到和处理政府信息公开申请情况",
        *t3,
        "",
        "四、政府信息公开行政复议、行政诉讼情况",
        *t4,
        "",
        "五、存在的主要问题及改进情况",
        *n["五"],
        "六、其他需要报告的事项",
        *n["六"],
        *n["signature"],
    ]
    return "\n".join(lines) + "\n"


def replace(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} not in the clean report"
    return text.replace(old, new, 1)


def build_report_2019(year: int) -> str:
    """A report in the 2019 trial format (国办公开办函〔2019〕60号): other t2 columns and the
    （九）项 block, a single （六）其他处理 row in table 三, no fee items in part 六."""
    n = copy.deepcopy(CLEAN_NARRATIVE)
    n["title"] = ["淄博经济开发区管理委员会", f"{year}年政府信息公开工作年度报告"]
    n["front"] = n["front"].replace("2024", str(year))
    n["一"] = [p.replace("2024", str(year)) for p in n["一"]]
    n["六"] = ["本年度无其他需要报告的事项。"]
    n["signature"] = ["淄博经济开发区管理委员会", f"{year + 1}年1月20日"]
    cols3 = ["上一年项目数量", "本年增/减", "处理决定数量"]
    t2 = (
        _cells("第二十条第（一）项")
        + _cells("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")
        + _cells("规章", "0", "0", "0")
        + _cells("规范性文件", "2", "2", "15")
        + _cells("第二十条第（五）项")
        + _cells("信息内容", *cols3)
        + _cells("行政许可", "30", "0", "18227")
        + _cells("其他对外管理服务事项", "5", "0", "12")
        + _cells("第二十条第（六）项")
        + _cells("信息内容", *cols3)
        + _cells("行政处罚", "8", "0", "202")
        + _cells("行政强制", "3", "0", "31")
        + _cells("第二十条第（八）项")
        + _cells("信息内容", "上一年项目数量", "本年增/减")
        + _cells("行政事业性收费", "4", "0")
        + _cells("第二十条第（九）项")
        + _cells("信息内容", "采购项目数量", "采购总金额")
        + _cells("政府集中采购", "6", "120.5")
    )
    values = clean_values()
    t3 = _t3(values).copy()
    start = t3.index("\t（六）其他处理")
    end = t3.index("\t（七）总计")
    t3[start:end] = _cells("（六）其他处理", *["0"] * 7)
    return _assemble(n, t2, t3, _t4(values))


LEGACY_REPORT = """某某县环保局2024年政府信息公开工作年度报告
一、概述
本局认真贯彻《中华人民共和国政府信息公开条例》，现将2024年工作报告如下。
二、主动公开政府信息情况
全年主动公开政府信息120条。
三、依申请公开政府信息情况
全年受理申请3件，均已答复。
四、咨询处理情况
接受咨询45人次。
五、收费及减免情况
未收取任何费用。
六、因政府信息公开申请行政复议、提起行政诉讼的情况
无。
七、存在的主要问题和改进措施
信息更新不够及时，将加强管理。
"""
