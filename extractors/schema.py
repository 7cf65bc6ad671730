"""Canonical cells of the three tables (spec §3) and the labels that name them.

Everything that knows a label or a key reads it from here, so a new variant is one line.
"""

from __future__ import annotations

# ---- table 二 (2021 format) -------------------------------------------------------------

# block -> row key -> label variants (normalised, see normalize.label)
T2_ROWS: dict[str, dict[str, tuple[str, ...]]] = {
    "art20_1": {"regulations": ("规章",), "normative_documents": ("行政规范性文件", "规范性文件")},
    "art20_5": {"admin_licensing": ("行政许可",), "other_admin_services": ("其他对外管理服务事项",)},
    "art20_6": {"admin_penalty": ("行政处罚",), "admin_coercion": ("行政强制",)},
    "art20_8": {"admin_fees": ("行政事业性收费",)},
    "art20_9": {"gov_procurement": ("政府集中采购",)},
}

# the numeral of 第二十条第（X）项 -> block key
T2_BLOCK_BY_NUMERAL = {"一": "art20_1", "五": "art20_5", "六": "art20_6", "八": "art20_8", "九": "art20_9"}

# column label -> key, per template
T2_COLUMNS_2021: dict[str, str] = {
    "本年制发件数": "issued",
    "本年废止件数": "repealed",
    "现行有效件数": "in_force",
    "本年处理决定数量": "decisions",
    "本年收费金额(单位:万元)": "amount_10k_yuan",
    "本年收费金额": "amount_10k_yuan",
}
T2_COLUMNS_2019: dict[str, str] = {
    "本年新制作数量": "new_made",
    "本年新公开数量": "new_published",
    "对外公开总数量": "total_published",
    "上一年项目数量": "prev_year_items",
    "本年增/减": "change",
    "本年增减": "change",
    "处理决定数量": "decisions",
    "采购项目数量": "procurement_items",
    "采购总金额": "procurement_amount",
}

# the 2021 cells, in order: block -> row -> columns
T2_2021: dict[str, dict[str, tuple[str, ...]]] = {
    "art20_1": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
    },
    "art20_5": {"admin_licensing": ("decisions",)},
    "art20_6": {"admin_penalty": ("decisions",), "admin_coercion": ("decisions",)},
    "art20_8": {"admin_fees": ("amount_10k_yuan",)},
}
T2_2019: dict[str, dict[str, tuple[str, ...]]] = {
    "art20_1": {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
    },
    "art20_5": {
        "admin_licensing": ("prev_year_items", "change", "decisions"),
        "other_admin_services": ("prev_year_items", "change", "decisions"),
    },
    "art20_6": {
        "admin_penalty": ("prev_year_items", "change", "decisions"),
        "admin_coercion": ("prev_year_items", "change", "decisions"),
    },
    "art20_8": {"admin_fees": ("prev_year_items", "change")},
    "art20_9": {"gov_procurement": ("procurement_items", "procurement_amount")},
}
# decimal cells (everything else is a count), and differences that may be negative
T2_DECIMAL_COLUMNS = {"amount_10k_yuan", "procurement_amount"}
T2_SIGNED_COLUMNS = {"change"}

T2_LABELS_ZH = {
    "art20_1": "第二十条第（一）项",
    "art20_5": "第二十条第（五）项",
    "art20_6": "第二十条第（六）项",
    "art20_8": "第二十条第（八）项",
    "art20_9": "第二十条第（九）项",
    "regulations": "规章",
    "normative_documents": "行政规范性文件",
    "admin_licensing": "行政许可",
    "other_admin_services": "其他对外管理服务事项",
    "admin_penalty": "行政处罚",
    "admin_coercion": "行政强制",
    "admin_fees": "行政事业性收费",
    "gov_procurement": "政府集中采购",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_10k_yuan": "本年收费金额（万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prev_year_items": "上一年项目数量",
    "change": "本年增/减",
    "procurement_items": "采购项目数量",
    "procurement_amount": "采购总金额",
}

# ---- table 三 -------------------------------------------------------------------------

T3_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
C6 = T3_COLUMNS[:6]
T3_COLUMN_LABELS = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "public_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
    "legal_person_subtotal": "小计",
}

# row key -> (exact normalised label without ordinal, fallback keywords, group)
T3_ROWS: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    "new_received": ("本年新收政府信息公开申请数量", ("本年新收",), None),
    "carried_over": ("上年结转政府信息公开申请数量", ("上年结转",), None),
    "granted": ("予以公开", ("予以公开",), None),
    "partially_granted": ("部分公开(区分处理的,只计这一情形,不计其他情形)", ("部分公开",), None),
    "denied_state_secret": ("属于国家秘密", ("国家秘密",), "denied"),
    "denied_law_prohibited": ("其他法律行政法规禁止公开", ("禁止公开",), "denied"),
    "denied_security_stability": ("危及三安全一稳定", ("三安全",), "denied"),
    "denied_third_party": ("保护第三方合法权益", ("第三方",), "denied"),
    "denied_internal_affairs": ("属于三类内部事务信息", ("内部事务",), "denied"),
    "denied_process_info": ("属于四类过程性信息", ("过程性",), "denied"),
    "denied_enforcement_file": ("属于行政执法案卷", ("执法案卷",), "denied"),
    "denied_admin_query": ("属于行政查询事项", ("查询事项",), "denied"),
    "unable_not_held": ("本机关不掌握相关政府信息", ("不掌握",), "unable"),
    "unable_needs_creation": ("没有现成信息需要另行制作", ("另行制作",), "unable"),
    "unable_unclear": ("补正后申请内容仍不明确", ("补正后",), "unable"),
    "np_petition_complaint": ("信访举报投诉类申请", ("信访",), "not_processed"),
    "np_repeat": ("重复申请", ("重复申请",), "not_processed"),
    "np_publication": ("要求提供公开出版物", ("出版物",), "not_processed"),
    "np_excessive": ("无正当理由大量反复申请", ("大量反复",), "not_processed"),
    "np_confirm_reissue": ("要求行政机关确认或重新出具已获取信息", ("确认或重新出具",), "not_processed"),
    "oh_no_correction": (
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("逾期不补正",),
        "other_handling",
    ),
    "oh_fee_unpaid": (
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("缴纳费用",),
        "other_handling",
    ),
    "oh_other": ("其他", (), "other_handling"),
    "results_total": ("总计", (), None),
    "carried_forward": ("结转下年度继续办理", ("结转下年度",), None),
}
T3_ROW_KEYS: tuple[str, ...] = tuple(T3_ROWS)

# group rows: key -> exact normalised label. They carry no data in the 2021 format;
# regional variants that give them numbers are subtotals (R-T3-SUB).
T3_GROUPS: dict[str, str] = {
    "results": "本年度办理结果",
    "denied": "不予公开",
    "unable": "无法提供",
    "not_processed": "不予处理",
    "other_handling": "其他处理",
}
GROUP_LEAVES: dict[str, tuple[str, ...]] = {
    g: tuple(k for k, (_, _, grp) in T3_ROWS.items() if grp == g)
    for g in ("denied", "unable", "not_processed", "other_handling")
}
LEAVES: tuple[str, ...] = ("granted", "partially_granted") + tuple(
    k for g in ("denied", "unable", "not_processed", "other_handling") for k in GROUP_LEAVES[g]
)
T3_ROW_LABELS_ZH = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开",
    "denied_state_secret": "不予公开·属于国家秘密",
    "denied_law_prohibited": "不予公开·其他法律行政法规禁止公开",
    "denied_security_stability": "不予公开·危及“三安全一稳定”",
    "denied_third_party": "不予公开·保护第三方合法权益",
    "denied_internal_affairs": "不予公开·属于三类内部事务信息",
    "denied_process_info": "不予公开·属于四类过程性信息",
    "denied_enforcement_file": "不予公开·属于行政执法案卷",
    "denied_admin_query": "不予公开·属于行政查询事项",
    "unable_not_held": "无法提供·本机关不掌握相关政府信息",
    "unable_needs_creation": "无法提供·没有现成信息需要另行制作",
    "unable_unclear": "无法提供·补正后申请内容仍不明确",
    "np_petition_complaint": "不予处理·信访举报投诉类申请",
    "np_repeat": "不予处理·重复申请",
    "np_publication": "不予处理·要求提供公开出版物",
    "np_excessive": "不予处理·无正当理由大量反复申请",
    "np_confirm_reissue": "不予处理·要求行政机关确认或重新出具已获取信息",
    "oh_no_correction": "其他处理·逾期不补正",
    "oh_fee_unpaid": "其他处理·逾期未缴纳费用",
    "oh_other": "其他处理·其他",
    "results_total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
    "denied": "（三）不予公开（小计）",
    "unable": "（四）无法提供（小计）",
    "not_processed": "（五）不予处理（小计）",
    "other_handling": "（六）其他处理",
}

# ---- table 四 -------------------------------------------------------------------------

T4_GROUPS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
T4_GROUP_LABELS_ZH = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
T4_COLUMN_LABELS_ZH = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
T4_HEADER_WORDS = frozenset(
    {
        "行政复议",
        "行政诉讼",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        "未经复议直接起诉",
        "复议后起诉",
    }
)

# every complete header or row label of the three tables (normalised): a cell holding one of
# these is whole, so text below it across a page break starts a new row
KNOWN_LABELS = frozenset(
    {v for rows in T2_ROWS.values() for labels in rows.values() for v in labels}
    | set(T2_COLUMNS_2021)
    | set(T2_COLUMNS_2019)
    | {"信息内容", "申请人情况", "法人或其他组织"}
    | {exact for exact, _, _ in T3_ROWS.values()}
    | set(T3_GROUPS.values())
    | set(T3_COLUMN_LABELS.values())
    | T4_HEADER_WORDS
)

# ---- template signatures (spec §5) ----------------------------------------------------

SIGNS_2019 = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "第二十条第(九)项",
    "政府集中采购",
    "采购项目数量",
    "其他对外管理服务事项",
)
SIGNS_2021 = (
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年处理决定数量",
    "本年收费金额",
    "逾期未按收费通知要求缴纳费用",
)
# the part each table stands in
TABLE_PART = {"t2": "二", "t3": "三", "t4": "四"}


def cell_label_zh(address: str) -> str:
    """A reviewer-facing Chinese name for a canonical cell address."""
    table, *path = address.split(".")
    if table.startswith("t2"):
        return "表二" + "·".join(T2_LABELS_ZH.get(p, p) for p in path)
    if table.startswith("t3"):
        row, col = (path + [""])[:2]
        return f"表三「{T3_ROW_LABELS_ZH.get(row, row)}」行「{T3_COLUMN_LABELS.get(col, col)}」列"
    if table == "t4":
        grp, col = (path + [""])[:2]
        return f"表四「{T4_GROUP_LABELS_ZH.get(grp, grp)}·{T4_COLUMN_LABELS_ZH.get(col, col)}」"
    return address
