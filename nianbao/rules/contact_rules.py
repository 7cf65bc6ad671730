"""The contact block and personal data (spec §2.6, §6.1)."""

from __future__ import annotations

import re

from extractors.normalize import fold

from .context import Context
from .registry import Hit, rule

_POSTCODE = re.compile(r"(?:邮编|邮政编码)[:：]?\s*(\d+)")
_PHONE = re.compile(r"(联系电话|咨询电话|电话|传真)[:：]?\s*([0-9\-－—() （）]{5,})")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_LABEL_TYPOS = {"电子箱": "电子邮箱", "电子油箱": "电子邮箱", "邮件地址": "电子邮箱", "邮篇": "邮编"}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# what must not leave the machine in an LLM request (the narrative reviewer masks it)
PRIVATE_NUMBER = re.compile(f"{_MOBILE.pattern}|{_ID_NUMBER.pattern}")


def _landline_ok(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    if _MOBILE.fullmatch(digits) or digits.startswith(("400", "800", "12345")) or len(digits) in (3, 5):
        return True
    return digits.startswith("0") and 10 <= len(digits) <= 12


def _unbalanced(text: str) -> str | None:
    for left, right in (("（", "）"), ("(", ")"), ("《", "》")):
        if text.count(left) != text.count(right):
            return f"「{left}」{text.count(left)} 个、「{right}」{text.count(right)} 个"
    return None


@rule("contact-info-malformed", "info")
def contact_malformed(ctx: Context):
    """联系方式格式有误：邮编不是 6 位、电话缺区号、括号不配对、栏目名有错字。

    What it checks: the contact sentence of the office (地址、邮编、电话、传真、电子邮箱).
    Why: a reader who wants to ask about the report must be able to reach the office.
    Example: 「邮编：2561114」为 7 位；「电话：3611001」缺少区号；「电子箱」应为「电子邮箱」.
    """
    para = ctx.ex.meta.contact
    if para is None:
        return
    text = para.text
    problems = [f"邮编「{code}」不是 6 位" for code in _POSTCODE.findall(text) if len(code) != 6]
    problems += [f"{label}「{num.strip()}」缺少区号" for label, num in _PHONE.findall(text)
                 if not _landline_ok(num)]
    brackets = _unbalanced(text)
    if brackets:
        problems.append(f"括号不配对（{brackets}）")
    problems += [f"「{typo}」应为「{right}」" for typo, right in _LABEL_TYPOS.items() if typo in text]
    if problems:
        yield Hit("联系方式格式有误：" + "；".join(problems), evidence=text[-120:], line=para.line)


def _mask(number: str) -> str:
    return number[:3] + "****" + number[-4:]


def _id_valid(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return "10X98765432"[total % 11] == number[17].upper()


@rule("personal-info-exposed", "error", detection="D+L")
def personal_info(ctx: Context):
    """报告公开了个人信息：个人手机号码、身份证号码等。

    What it checks: mobile numbers (1[3-9] + 9 digits) and valid 18-digit ID numbers anywhere in
    the text, tables included. Names and posts of officials alone are fine. The message masks
    the numbers so that the review itself does not spread them.
    Why: 政府信息公开 must not disclose individuals' private data (条例第十五条); the office's
    contact is a landline and an e-mail of the office, not personal mobiles.
    Example: 工作人员表列出「李泽龙 / 党委副书记 / 187****7806」.
    """
    mobiles: dict[str, list[int]] = {}
    ids: list[tuple[str, int]] = []
    for lineno, line in enumerate(ctx.ex.doc.lines, 1):
        folded = fold(line).replace("-", "")
        for number in _MOBILE.findall(folded):
            mobiles.setdefault(number, []).append(lineno)
        ids += [(n, lineno) for n in _ID_NUMBER.findall(folded) if _id_valid(n)]
    if mobiles:
        entries = sum(len(v) for v in mobiles.values())
        first_line = min(min(v) for v in mobiles.values())
        shown = "、".join(f"{_mask(n)}（第 {v[0]} 行）" for n, v in list(mobiles.items())[:4])
        yield Hit(f"公开了个人手机号码 {entries} 处（{len(mobiles)} 个不同号码）：{shown}；应删除，只保留办公室的公开联系方式",
                  evidence=_mask(next(iter(mobiles))), line=first_line)
    if ids:
        yield Hit(f"公开了身份证号码 {len(ids)} 处（首处第 {ids[0][1]} 行：{ids[0][0][:6]}********{ids[0][0][-4:]}）；应删除",
                  evidence=ids[0][0][:6] + "********", line=ids[0][1])
