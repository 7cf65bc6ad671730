"""``/review`` arguments and the texts the command answers with (pure functions; Slack mrkdwn)."""

from __future__ import annotations

import html
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from extractors.load import REPORT_SUFFIXES  # the same files as `nianbao review <folder>` picks
from nianbao.render import SEVERITY_ZH

from .blocks import escape

SUFFIXES_TEXT = " ".join(sorted(REPORT_SUFFIXES))
QUEUE_FAILED = "暂时无法登记审阅请求（数据库出错），请稍后重试。"

USAGE = f"""用法：
• `/review &lt;链接&gt;`：下载网页或文件并审阅，结果发到本频道
• `/review last`：审阅本频道最近分享的报告文件
• `/review rules`：列出全部审阅规则
• `/review help`：显示本说明
在机器人所在的频道分享报告文件（{SUFFIXES_TEXT}）会自动审阅，结果回复在该文件的消息线程里。"""

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def is_report_name(name: str | None) -> bool:
    return bool(name and PurePosixPath(name).suffix.lower() in REPORT_SUFFIXES)


def parse(text: str) -> tuple[str, str]:
    """(action, argument): help, rules, last, url, or invalid with the reason shown to the user."""
    words = text.strip()
    if words.lower() in ("", "help", "-h", "--help", "帮助"):
        return "help", ""
    if words.lower() in ("rules", "规则"):
        return "rules", ""
    if words.lower() in ("last", "最近"):
        return "last", ""
    url = (
        words[1:-1].split("|")[0] if words.startswith("<") and words.endswith(">") else words
    )  # Slack-escaped link
    url = html.unescape(url)  # Slack sends & < > in the text as &amp; &lt; &gt;
    if _SCHEME.match(url):
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return "invalid", "只支持 http 和 https 链接。"
        return "url", url
    return "invalid", f"无法识别「{escape(html.unescape(words))}」。"


def accepted(action: str, arg: str) -> str:
    if action == "url":
        return f"收到，正在下载并审阅 {escape(arg)}，结果会发到本频道。"
    return "收到，正在审阅本频道最近分享的报告文件，结果会回复在该文件的线程里。"


def rules_text(registry: dict) -> str:
    lines = [
        f"`{r.id}`（{SEVERITY_ZH[r.severity]}）{escape(r.summary)}"
        for r in sorted(registry.values(), key=lambda r: r.id)
    ]
    return f"*审阅规则（共 {len(lines)} 条）*\n" + "\n".join(lines)
