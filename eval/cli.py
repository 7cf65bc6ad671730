"""``nianbao eval``: ``nianbao.cli`` loads this module (``PLUGINS``) only when the command runs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from nianbao.errors import UserError

app = typer.Typer(rich_markup_mode=None)


@app.command("eval", short_help="评测：回放录制的回答，与金标准和人工标注比较")
def eval_command(
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="为缺少或过期录制的用例调用已配置的大模型（NIANBAO_LLM_PROVIDER / OPENAI_BASE_URL / OPENAI_API_KEY / NIANBAO_MODEL）并写入录制",
        ),
    ] = False,
    update_golden: Annotated[
        bool, typer.Option("--update-golden", help="显示差异后，用本次结果重写 expected.json")
    ] = False,
    report: Annotated[Path | None, typer.Option("--report", help="把评分另写成 Markdown 文件")] = None,
    case: Annotated[list[str] | None, typer.Option("--case", help="只运行这个用例（可重复）")] = None,
    cases: Annotated[Path | None, typer.Option("--cases", help="用例目录，默认 eval/cases")] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model", help="回放这个模型的录制（可重复：多个模型并排比较；默认每个用例的默认模型）"
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline", help="与另一个 git 版本（如 HEAD~1、main）的评分对比，用现在的金标准和标注衡量"
        ),
    ] = None,
    from_review: Annotated[
        str | None,
        typer.Option(
            "--from-review", help="把存储中的一次审阅（编号）连同其大模型回答做成用例，写入 --cases 目录"
        ),
    ] = None,
    report_file: Annotated[
        Path | None, typer.Option("--input", help="与 --from-review 一起：当时审阅的报告文件")
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="与 --from-review 一起：存储（默认 DATABASE_URL / NIANBAO_DB）")
    ] = None,
    scores_json: Annotated[Path | None, typer.Option("--scores-json", help="把评分另写成 JSON 文件")] = None,
) -> None:
    """评测：回放录制的大模型回答审阅每个用例；表格和规则的结果与 expected.json 逐项比较，大模型的判断
    对照 labels.json 打分（每条规则的精确率、召回率，每个方面的混淆矩阵），并说明回答来源和费用。
    退出码：0 通过，1 有差异、缺少录制或低于阈值，2 用法错误。"""
    from nianbao.narrative.settings import LLMSettings

    from .cases import ROOT, load_cases
    from .render import as_json, comparison, markdown, ok, summary_lines, text
    from .runner import run
    from .scores import score, thresholds

    root = cases or ROOT
    if from_review is not None:
        from .from_review import case_from_review

        folder = case_from_review(from_review, root, report_file, db)
        typer.echo(
            f"已写入用例 {folder}：核对 labels.json 后运行 nianbao eval --case {folder.name} --update-golden"
        )
        raise typer.Exit(0)
    settings = LLMSettings.from_env() if record else None
    if record and settings is None:
        raise UserError(
            "--record 需要配置大模型：设置 NIANBAO_LLM_PROVIDER，或 OPENAI_BASE_URL 和/或 OPENAI_API_KEY"
        )
    if record and model:
        raise UserError("--record 录制的是已配置的模型，不能同时用 --model")
    limits = thresholds()
    selected = load_cases(root, case)
    # the first model (None: each case's default model), then the others to compare with it
    outcomes = run(selected, settings, update_golden, model[0] if model else None)
    others = [(m, run(selected, settings, update_golden, m)) for m in (model or [])[1:]]
    scores = score(outcomes)
    out = text(outcomes, scores, limits)
    for name, other in others:
        other_scores = score(other)
        out += f"\n=== 模型 {name} ===\n" + "\n".join(summary_lines(other_scores)) + "\n\n"
        out += "\n".join(comparison(name, as_json(scores), as_json(other_scores))) + "\n"
    if baseline is not None:
        from .baseline import baseline_scores

        out += f"\n=== 与版本 {baseline} 对比 ===\n"
        out += "\n".join(comparison(baseline, as_json(scores), baseline_scores(baseline, case))) + "\n"
    sys.stdout.write(out)
    for path, content in (
        (report, lambda: markdown(outcomes, scores, limits)),
        (scores_json, lambda: json.dumps(as_json(scores), ensure_ascii=False, indent=1)),
    ):
        if path is not None:
            try:
                path.write_text(content(), encoding="utf-8")
            except OSError as exc:
                raise UserError(f"{path}：无法写入（{exc.strerror or exc.__class__.__name__}）") from None
    raise typer.Exit(0 if ok(outcomes, scores, limits) else 1)
