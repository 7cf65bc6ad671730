import os
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.config import database_url

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))  # the fixture scripts, importable by the tests
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("no_proxy", "127.0.0.1,localhost")

SEEDS = sorted((HERE / "fixtures" / "seeds").glob("*.txt"))


@pytest.fixture(autouse=True)
def _no_llm_env(monkeypatch):
    """Tests never reach a real LLM: only the fakes they start themselves."""
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "NIANBAO_MODEL",
        "NIANBAO_LLM_PROVIDER",
        "NIANBAO_LLM_EXTRA_BODY",
    ):
        monkeypatch.delenv(var, raising=False)


def seed(prefix: str) -> Path:
    return next(p for p in SEEDS if p.name.startswith(prefix))


PG_URL = os.environ.get("NIANBAO_TEST_DATABASE_URL", "")
NO_PG = "NIANBAO_TEST_DATABASE_URL is not set: PostgreSQL tests skipped (.ci/run starts a server and sets it)"


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason=NO_PG))]
)
def db_url(request, tmp_path):
    """A fresh database URL. PostgreSQL: a schema of its own, so runs sharing the server never meet;
    the URL is left ``postgresql://…`` as a user would write it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.sqlite'}"
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(PG_URL))
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
