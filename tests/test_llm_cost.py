"""Cost and cache: a review records input, cached input and output tokens as the provider reports
them (OpenAI's ``prompt_tokens_details.cached_tokens``, DeepSeek's ``prompt_cache_hit_tokens``),
and an estimated cost from the price table (built in, or ``NIANBAO_LLM_PRICES``); the review's
text line and the weekly digest show them."""

from __future__ import annotations

import pytest
from conftest import seed
from digest_data import NOW, WEEK, add_review, at
from fake_openai import FakeOpenAI, Reply, covering_answer

from bot.digest import compute, read_rows
from bot.digest_render import digest_text
from bot.store import Store
from nianbao.config import Config, ConfigError
from nianbao.narrative.llm_review import LLMReviewer
from nianbao.narrative.prices import BUILT_IN, Price, price_table
from nianbao.narrative.settings import LLMSettings
from nianbao.render import narrative_line
from nianbao.review import review_bytes


def reviewed(usage: dict, model: str = "deepseek-flash", prices=None):
    with FakeOpenAI(default=lambda request: Reply(content=covering_answer(request), usage=usage)) as fake:
        reviewer = LLMReviewer(LLMSettings(model=model, base_url=fake.base_url, api_key="k"), prices)
        return review_bytes(seed("004").read_bytes(), "004.txt", narrative=reviewer)


@pytest.mark.parametrize(
    "usage",
    [
        {
            "prompt_tokens": 1000,
            "completion_tokens": 500,
            "total_tokens": 1500,
            "prompt_cache_hit_tokens": 800,
            "prompt_cache_miss_tokens": 200,
        },  # DeepSeek
        {
            "prompt_tokens": 1000,
            "completion_tokens": 500,
            "total_tokens": 1500,
            "prompt_tokens_details": {"cached_tokens": 800},
        },  # OpenAI, DashScope
    ],
)
def test_cached_input_output_and_cost_are_recorded(usage):
    n = reviewed(usage).narrative
    assert (n.tokens_in, n.tokens_cached, n.tokens_out) == (1000, 800, 500)
    # deepseek-flash, peak: 200 × 2 元 + 800 × 0.04 元 + 500 × 8 元 per million tokens
    assert n.cost == pytest.approx((200 * 2 + 800 * 0.04 + 500 * 8) / 1e6) and n.currency == "元"
    assert n.calls[0].cost == n.cost
    line = narrative_line(
        review_bytes(seed("004").read_bytes(), "x.txt", narrative=lambda ex, config: (n, []))
    )
    assert line.startswith("叙述审阅：deepseek-flash（narrative_review@")
    assert "输入 1000（缓存 800）/ 输出 500 tokens，约 0.0044 元" in line


def test_a_model_without_a_price_gets_no_cost():
    n = reviewed(
        {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}, model="my-model"
    ).narrative
    assert n.cost is None and n.tokens_in == 10


def test_the_price_table_is_configurable():
    table = price_table({"NIANBAO_LLM_PRICES": '{"qwen-plus": {"input": 0.8, "cached": 0.16, "output": 2}}'})
    assert (
        table["qwen-plus"] == Price(input=0.8, cached=0.16, output=2)
        and table["deepseek-flash"] == BUILT_IN["deepseek-flash"]
    )
    n = reviewed(
        {"prompt_tokens": 1_000_000, "completion_tokens": 1_000_000, "total_tokens": 2_000_000},
        model="qwen-plus",
        prices=table,
    ).narrative
    assert n.cost == pytest.approx(2.8)
    with pytest.raises(ConfigError, match="NIANBAO_LLM_PRICES"):
        price_table({"NIANBAO_LLM_PRICES": '{"m": {"input": "free"}}'})


def test_the_digest_reports_cache_and_cost(tmp_path):
    store = Store(str(tmp_path / "bot.sqlite"))
    try:
        review_id = add_review(store, at(12), "临淄区金岭回族镇", "warn")
        review = reviewed(
            {
                "prompt_tokens": 1000,
                "completion_tokens": 500,
                "total_tokens": 1500,
                "prompt_cache_hit_tokens": 800,
            }
        )
        store.save_review(review_id, review)
        d = compute(read_rows(store, "C111", WEEK, NOW), "C111", WEEK, NOW, config=Config())
        assert (d.tokens_in, d.tokens_cached, d.tokens_out) == (1000, 800, 500)
        assert d.cost == {"元": pytest.approx(0.004432)}
        assert "大模型：调用 1 次，输入 1,000（缓存命中 800） / 输出 500 tokens，约 0.00 元" in digest_text(d)
    finally:
        store.close()
