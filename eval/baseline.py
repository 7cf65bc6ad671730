"""``nianbao eval --baseline REF``: the scores of another git revision, measured with today's
yardstick. The revision's tree comes from ``git archive`` (nothing in the repository changes);
its reviewer, prompts and recordings are kept, while this eval's code, goldens and labels are put
in, so both runs are scored by the same rules. The revision runs in a process of its own."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from nianbao.errors import UserError

REPO = Path(__file__).resolve().parents[1]
EVAL = Path(__file__).parent
YARDSTICK = ("expected.json", "labels.json")


def baseline_scores(ref: str, names: list[str] | None = None, timeout: float = 1800) -> dict:
    """The ``render.as_json`` scores of revision ``ref`` over the cases ``names`` (default: all).
    Raises UserError when the revision cannot be read or its run fails."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", ref], capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise UserError(f"无法取出版本 {ref}：{archive.stderr.decode('utf-8', 'replace').strip()[:200]}")
    with tempfile.TemporaryDirectory(prefix="nianbao-baseline-") as tmp:
        root = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(root, filter="data")
        for path in EVAL.glob("*.py"):
            shutil.copy(path, root / "eval" / path.name)
        shutil.copy(EVAL / "thresholds.json", root / "eval" / "thresholds.json")
        if not (root / "nianbao" / "errors.py").exists():  # a revision from before that module
            shutil.copy(REPO / "nianbao" / "errors.py", root / "nianbao" / "errors.py")
        for case in (root / "eval" / "cases").iterdir():
            for name in YARDSTICK:
                if (EVAL / "cases" / case.name / name).is_file():
                    shutil.copy(EVAL / "cases" / case.name / name, case / name)
        out = root / "scores.json"
        args = ["--cases", str(root / "eval" / "cases"), "--scores-json", str(out)]
        for name in names or ():
            args += ["--case", name]
        env = {**os.environ, "PYTHONPATH": str(root)}
        for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "NIANBAO_LLM_PROVIDER"):
            env.pop(name, None)  # the baseline replays, it never calls a model
        done = subprocess.run(
            [sys.executable, "-c", "from eval.cli import app; app()", *args],
            cwd=root,
            env=env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if not out.is_file():
            raise UserError(
                f"版本 {ref} 的评测没有完成：{done.stderr.decode('utf-8', 'replace').strip()[-300:]}"
            )
        return json.loads(out.read_text(encoding="utf-8"))
