"""``nianbao llm check``: ``nianbao.cli`` loads this module (``PLUGINS``) only when the command runs."""

from __future__ import annotations

import typer

from ..errors import UserError

app = typer.Typer(rich_markup_mode=None)
llm = typer.Typer(rich_markup_mode=None, no_args_is_help=True, help="大模型服务的配置")
app.add_typer(llm, name="llm")


@llm.command("check")
def check_command() -> None:
    """发送一个很小的结构化请求，检查大模型配置能否使用：模型是否存在、是否按要求返回 JSON、用时。
    退出码：0 可用，1 有回答但不是要求的 JSON，2 无法连接、鉴权失败、模型不存在或配置无效。"""
    from .check import check
    from .settings import LLMSettings

    settings = LLMSettings.from_env()
    if settings is None:
        raise UserError(
            "没有配置大模型：设置 NIANBAO_LLM_PROVIDER（deepseek / qwen / openai / vllm / ollama / custom）"
            "和 OPENAI_API_KEY，或 OPENAI_BASE_URL"
        )
    result = check(settings)
    typer.echo("\n".join(result.lines()))
    raise typer.Exit(result.status)
