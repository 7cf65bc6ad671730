"""One eval case is a folder under ``eval/cases/``:

- ``input.<ext>``: the report (any format the reviewer reads);
- ``expected.json``: the golden of what code decides — tables and the findings of the rules and
  the heuristic, exact (see ``golden.golden_of``);
- ``labels.json``: what a person says a correct review finds in the narrative — the status of
  each aspect and the LLM findings — written once and kept; the LLM's answers are scored against
  it (scores.py), never compared exactly;
- ``recordings.json``: ``{"model": default, "recordings": {key: entry}}``, the answers of one or
  more models side by side (replay.py; an entry names the model it was asked of);
- ``reference.json`` (optional): answers written by hand, ``{"scripted": bool, "answers": […]}``;
  ``scripted`` cases test how the code treats a particular answer (an invented quote, an error
  status), so ``--record`` never replaces them with a model's answers;
- ``previous.txt`` (optional): last year's report, for the cross-year rules;
- ``config.toml`` (optional): a ``[tool.nianbao]`` configuration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nianbao.errors import UserError

from .golden import GOLDEN_KEYS
from .labels import Labels, read_labels

ROOT = Path(__file__).parent / "cases"
REFERENCE_MODEL = "reference"  # the model name hand-written answers are served under


class CaseError(UserError):
    """A case folder is incomplete or unreadable; the message names it."""


@dataclass
class Case:
    name: str
    dir: Path
    input: Path
    expected: dict | None
    labels: Labels | None
    model: str
    recordings: dict[str, dict]
    scripted: bool

    @property
    def previous(self) -> Path | None:
        return self._optional("previous.txt")

    @property
    def config(self) -> Path | None:
        return self._optional("config.toml")

    def _optional(self, name: str) -> Path | None:
        path = self.dir / name
        return path if path.is_file() else None

    def save_expected(self, golden: dict) -> None:
        self.expected = golden
        _write(self.dir / "expected.json", golden)

    def save_recordings(self, model: str, used: dict[str, dict]) -> None:
        """``used`` replaces the recordings of ``model``; other models' stay beside them."""
        kept = {k: e for k, e in self.recordings.items() if model_of(e, self.model) != model}
        self.recordings = {**kept, **{k: {**e, "model": model} for k, e in used.items()}}
        if not kept:
            self.model = model
        _write(self.dir / "recordings.json", {"model": self.model, "recordings": self.recordings})


def model_of(entry: dict, default: str) -> str:
    """The model an entry was asked of (recordings made before entries named it: the file's)."""
    return entry.get("model") or default


def _read(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CaseError(f"{path}：无法读取（{exc}）") from None


def _write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_case(folder: Path) -> Case:
    inputs = sorted(folder.glob("input.*"))
    if len(inputs) != 1:
        raise CaseError(f"{folder}：应有且只有一个 input.<扩展名> 文件")
    expected = _read(folder / "expected.json")
    if expected is not None and not set(GOLDEN_KEYS) <= expected.keys():
        raise CaseError(f"{folder / 'expected.json'}：应包含 {', '.join(GOLDEN_KEYS)}")
    try:
        labels = read_labels(folder / "labels.json")
    except ValueError as exc:
        raise CaseError(f"{folder / 'labels.json'}：{exc}") from None
    recordings = _read(folder / "recordings.json") or {}
    reference = _read(folder / "reference.json") or {}
    return Case(
        folder.name,
        folder,
        inputs[0],
        expected,
        labels,
        recordings.get("model", REFERENCE_MODEL),
        recordings.get("recordings", {}),
        bool(reference.get("scripted")),
    )


def case_names(root: Path = ROOT) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def load_cases(root: Path = ROOT, names: list[str] | None = None) -> list[Case]:
    """All cases, or the named ones; raises CaseError for an unknown name."""
    known = case_names(root) if root.is_dir() else []
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise CaseError(f"没有用例 {', '.join(unknown)}（{root} 下共 {len(known)} 个）")
    if not known:
        raise CaseError(f"{root} 下没有用例")
    return [load_case(root / n) for n in dict.fromkeys(names or known)]
