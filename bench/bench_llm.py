"""Benchmarks of the narrative review by LLM, against the fake OpenAI-compatible server of the tests:

1. tokens sent per report as a share of the report's characters (target < 40 %). Tokens are the
   server's ``usage.prompt_tokens``; the fake counts them with DeepSeek's rule of thumb (a Chinese
   character ≈ 0.6 token, any other ≈ 0.3), so the figure is an estimate for DeepSeek-like models.
2. wall time of ``nianbao review DIR --jobs 8`` over 100 reports, the fake answering after 1 s
   (target < 20 s): the whole process, deterministic half and narrative half.

    .venv/bin/python bench/bench_llm.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from fake_openai import FakeOpenAI, covering_answer  # noqa: E402

from nianbao.narrative.llm_review import LLMReviewer  # noqa: E402
from nianbao.narrative.settings import LLMSettings  # noqa: E402
from nianbao.review import review_bytes  # noqa: E402

SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))


def token_share() -> None:
    print("1. tokens sent per report (prompt + narrative) / characters of the report")
    print(f"   {'report':<28} {'chars':>6} {'narrative':>9} {'tokens':>6} {'share':>6}")
    total_chars = total_tokens = 0
    with FakeOpenAI(default=covering_answer) as fake:
        reviewer = LLMReviewer(LLMSettings(model="fake", base_url=fake.base_url, api_key="bench"))
        for path in SEEDS:
            chars = len(path.read_text(encoding="utf-8"))
            review = review_bytes(path.read_bytes(), path.name, narrative=reviewer)
            sent = len(fake.requests[-1].text("user").split("<report>", 1)[1])
            tokens = review.narrative.tokens_in
            total_chars, total_tokens = total_chars + chars, total_tokens + tokens
            print(f"   {path.name:<28} {chars:>6} {sent:>9} {tokens:>6} {tokens / chars:>6.1%}")
        fixed = len(reviewer.prompt.system)
    print(
        f"   {'all five':<28} {total_chars:>6} {'':>9} {total_tokens:>6} {total_tokens / total_chars:>6.1%}"
        f"   (system prompt: {fixed} characters, the same for every report)"
    )


def batch(n: int = 100, jobs: int = 8, latency: float = 1.0) -> None:
    print(f"2. nianbao review DIR --jobs {jobs}: {n} reports, the fake LLM answering after {latency:g} s")
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAI(default=covering_answer, latency=latency) as fake:
        for i in range(n):
            (Path(tmp) / f"{i:03d}.txt").write_bytes(SEEDS[i % len(SEEDS)].read_bytes())
        env = {
            **os.environ,
            "OPENAI_BASE_URL": fake.base_url,
            "OPENAI_API_KEY": "bench",
            "NIANBAO_MODEL": "fake",
        }
        start = time.monotonic()  # the clock of the fake's request times
        done = subprocess.run(
            [
                str(Path(sys.executable).with_name("nianbao")),
                "review",
                tmp,
                "--jobs",
                str(jobs),
                "--format",
                "json",
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        end = time.monotonic()
        reviews = json.loads(done.stdout)
        llm = sum(r["narrative"]["method"] == "llm" for r in reviews)
        first, last = min(q.at for q in fake.requests), max(q.at for q in fake.requests)
        print(
            f"   wall {end - start:.1f} s, exit {done.returncode}, {len(reviews)} reviews, {llm} by LLM, "
            f"{len(fake.requests)} requests (one at a time they would take {n * latency:.0f} s)"
        )
        print(
            f"   before the first request {first - start:.1f} s (start, imports, deterministic half); "
            f"requests {last - first + latency:.1f} s (floor {-(-n // jobs) * latency:.1f} s); "
            f"after the last answer {end - last - latency:.1f} s (JSON output)"
        )


if __name__ == "__main__":
    token_share()
    batch()
