"""One eval case is a folder under ``eval/cases/``:

- ``input.<ext>``: the report (any format the reviewer reads);
- ``expected.json``: the golden review (see ``compare.golden_of``);
- ``recordings.json``: ``{"model": …, "recordings": {key: entry}}``, the LLM's answers (replay.py);
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

from .compare import GOLDEN_KEYS

ROOT = Path(__file__).parent / "cases"
REFERENCE_MODEL = "reference"  # the model name hand-written answers are keyed under


class CaseError(Exception):
    """A case folder is incomplete or unreadable; the message names it."""


@dataclass
class Case:
    name: str
    dir: Path
    input: Path
    expected: dict | None
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

    def save_recordings(self, model: str, recordings: dict[str, dict]) -> None:
        self.model, self.recordings = model, recordings
        _write(self.dir / "recordings.json", {"model": model, "recordings": recordings})


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
    recordings = _read(folder / "recordings.json") or {}
    reference = _read(folder / "reference.json") or {}
    return Case(folder.name, folder, inputs[0], expected,
                recordings.get("model", REFERENCE_MODEL), recordings.get("recordings", {}),
                bool(reference.get("scripted")))


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
