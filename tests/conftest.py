import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("no_proxy", "127.0.0.1,localhost")

SEEDS = sorted((HERE / "fixtures" / "seeds").glob("*.txt"))


@pytest.fixture(autouse=True)
def _no_llm_env(monkeypatch):
    """Tests never reach a real LLM: only the fakes they start themselves."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "NIANBAO_MODEL"):
        monkeypatch.delenv(var, raising=False)


def seed(prefix: str) -> Path:
    return next(p for p in SEEDS if p.name.startswith(prefix))
