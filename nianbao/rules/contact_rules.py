"""The contact block and personal data (spec §2.6, §6.1)."""

from __future__ import annotations

import re

from extractors.normalize import fold
from extractors.personal import ID_NUMBER, MOBILE

from .context import Context
from .registry import Hit, rule

_POSTCODE = re.compile(r"(?:邮编|邮政编码)[:：]?\s*(\d+)")
_PHONE = re.compile(r"(联系电话|咨询电话|电话|传真)[:：]?\s*([0-9\-－—() （）]{5,})")
_LABEL_TYPOS = {"电子箱": "电子邮箱", "电子油箱": "电子邮箱", "邮件地址": "电子邮箱", "邮篇": "邮编"}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _landline_ok(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    if MOBILE.fullmatch(digits) or digits.startswith(("400", "800", "12345")) or len(digits) in (3, 5):
        return True
    return digits.startswith("0") and 10 <= len(digits) <= 12


def _unbalanced(text: str) -> str | None:
    for left, right in (("（", "）"), ("(", ")"), ("《", "》")):
        if text.count(left) != text.count(right):
            return f"「{left}」{text.count(left)} 个、「{right}」{text.count(right)} 个"
    return None


@rule("contact-info-malformed", "info", spec="§2.6")
def contact_malformed(ctx: Context):
    """联系方式格式有误：邮编不是 6 位、电话缺区号、括号不配对、栏目名有错字。

    做什么：检查办公室联系方式一句（地址、邮编、电话、传真、电子邮箱）。
    为什么：读者对报告有疑问时，要能联系到发布机关的办公室。
    示例：种子 003 第 2 行「邮编：2561114」为 7 位；「电话：3611001」缺少区号；「电子箱」应为「电子邮箱」。
    如何改正：邮编写 6 位，电话写区号（如 0533-7870969），补齐括号，栏目名写「电子邮箱」。
    """
    para = ctx.ex.meta.contact
    if para is None:
        return
    text = para.text
    problems = [f"邮编「{code}」不是 6 位" for code in _POSTCODE.findall(text) if len(code) != 6]
    problems += [
        f"{label}「{num.strip()}」缺少区号" for label, num in _PHONE.findall(text) if not _landline_ok(num)
    ]
    brackets = _unbalanced(text)
    if brackets:
        problems.append(f"括号不配对（{brackets}）")
    problems += [f"「{typo}」应为「{right}」" for typo, right in _LABEL_TYPOS.items() if typo in text]
    if problems:
        yield Hit("联系方式格式有误：" + "；".join(problems), evidence=text[-120:], line=para.line)


def _mask(number: str) -> str:
    return number[:3] + "****" + number[-4:]


def _id_valid(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


@rule("personal-info-exposed", "error", spec="§2.6", detection="D+L")
def personal_info(ctx: Context):
    """报告公开了个人信息：个人手机号码、身份证号码等。

    做什么：在全文（含表格）中查找手机号码（1[3-9] 加 9 位数字）和校验正确的 18 位身份证号码。只写工作人员的姓名和职务不算。提示信息中的号码已打码，审阅结果本身不再扩散号码。
    为什么：政府信息公开不得泄露个人隐私（条例第十五条）；报告的联系方式应是办公室的座机和邮箱，而不是个人手机。
    示例：种子 001 第 21–50 行的工作人员表列出「李泽龙 / 党委副书记 / 187****7806」。
    如何改正：删除个人手机号码和身份证号码，只保留办公室的公开联系方式；已发布的报告应尽快撤下更正。
    """
    mobiles: dict[str, list[int]] = {}
    ids: list[tuple[str, int]] = []
    for lineno, line in enumerate(ctx.ex.doc.lines, 1):
        folded = fold(line).replace("-", "")
        for number in MOBILE.findall(folded):
            mobiles.setdefault(number, []).append(lineno)
        ids += [(n, lineno) for n in ID_NUMBER.findall(folded) if _id_valid(n)]
    if mobiles:
        entries = sum(len(v) for v in mobiles.values())
        first_line = min(min(v) for v in mobiles.values())
        shown = "、".join(f"{_mask(n)}（{ctx.place(v[0])}）" for n, v in list(mobiles.items())[:4])
        yield Hit(
            f"公开了个人手机号码 {entries} 处（{len(mobiles)} 个不同号码）：{shown}；应删除，只保留办公室的公开联系方式",
            evidence=_mask(next(iter(mobiles))),
            line=first_line,
        )
    if ids:
        yield Hit(
            f"公开了身份证号码 {len(ids)} 处（首处{ctx.place(ids[0][1])}：{ids[0][0][:6]}********{ids[0][0][-4:]}）；应删除",
            evidence=ids[0][0][:6] + "********",
            line=ids[0][1],
        )
