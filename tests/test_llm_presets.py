"""Provider presets: per provider, the exact request its documentation requires, as received by a
local OpenAI-compatible server (real langchain-openai and openai clients, real HTTP) — the model,
the output-length field the provider honours, the switch that turns thinking off, the structured
output form — and ``nianbao llm check`` against the same server."""

import json
import re
import time
from pathlib import Path

import pytest
from conftest import seed
from fake_openai import FakeOpenAI, covering_answer
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.config import ConfigError
from nianbao.models import LLMCall
from nianbao.narrative.inputs import estimate_tokens
from nianbao.narrative.llm import StructuredLLM
from nianbao.narrative.llm_review import LLMReviewer
from nianbao.narrative.providers import PRESETS
from nianbao.narrative.schema import NarrativeOut
from nianbao.narrative.settings import LLMSettings
from nianbao.review import review_bytes

ANSWER = {"aspects": [], "claims": [], "observations": [], "summary": "无"}


@pytest.fixture
def fake():
    with FakeOpenAI(default=ANSWER) as server:
        yield server


def sent(settings: LLMSettings, fake: FakeOpenAI) -> dict:
    """The body of one structured request made with these settings."""
    llm = StructuredLLM(settings, NarrativeOut)
    llm.ask(
        [("system", "只输出 JSON"), ("human", "你好")],
        lambda e: e,
        LLMCall(model=settings.model, prompt="p"),
        time.monotonic() + 5,
    )
    return fake.requests[-1].body


def preset(fake: FakeOpenAI, name: str, **env: str) -> LLMSettings:
    return LLMSettings.from_env(
        {"NIANBAO_LLM_PROVIDER": name, "OPENAI_BASE_URL": fake.base_url, "OPENAI_API_KEY": "k", **env}
    )


def test_deepseek_sends_max_tokens_thinking_off_and_json_mode(fake):
    body = sent(preset(fake, "deepseek"), fake)
    assert body["model"] == "deepseek-flash"
    assert body["max_tokens"] == 4096 and "max_completion_tokens" not in body
    assert body["thinking"] == {"type": "disabled"}
    assert body["response_format"] == {"type": "json_object"} and body["temperature"] == 0


def test_qwen_sends_enable_thinking_false_and_json_mode(fake):
    body = sent(preset(fake, "qwen"), fake)
    assert body["model"] == "qwen-plus"
    assert body["enable_thinking"] is False
    assert body["max_tokens"] == 4096 and "max_completion_tokens" not in body
    assert body["response_format"] == {"type": "json_object"}


def test_openai_sends_max_completion_tokens_no_reasoning_and_a_strict_schema(fake):
    body = sent(preset(fake, "openai"), fake)
    assert body["model"] == "gpt-5.4-mini"
    assert body["max_completion_tokens"] == 4096 and "max_tokens" not in body
    assert body["reasoning_effort"] == "none" and body["temperature"] == 0
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True


def test_vllm_needs_a_model_and_switches_the_chat_template_s_thinking_off(fake):
    with pytest.raises(ConfigError, match="NIANBAO_MODEL"):
        preset(fake, "vllm")
    body = sent(preset(fake, "vllm", NIANBAO_MODEL="Qwen/Qwen3-8B"), fake)
    assert body["model"] == "Qwen/Qwen3-8B"
    assert body["chat_template_kwargs"] == {"enable_thinking": False}
    assert body["max_tokens"] == 4096 and body["response_format"]["type"] == "json_schema"


def test_ollama_fits_its_small_context(fake):
    settings = preset(fake, "ollama", NIANBAO_MODEL="qwen3:8b")
    body = sent(settings, fake)
    assert body["model"] == "qwen3:8b" and body["reasoning_effort"] == "none"
    assert body["max_tokens"] == 1536 and body["response_format"]["type"] == "json_schema"
    # 4096 tokens hold the instructions, the answer and about 1000 characters of report: a seed's
    # narrative goes in several requests, each within the window
    fake.default = covering_answer
    fake.requests.clear()
    data = seed("004").read_bytes()
    review = review_bytes(data, "004.txt", narrative=LLMReviewer(settings))
    assert review.narrative.method == "llm" and len(fake.requests) >= 3
    for request in fake.requests:
        assert estimate_tokens(request.text(), 1.3) + 1536 <= 4096


def test_custom_needs_an_endpoint_and_a_model(fake):
    with pytest.raises(ConfigError, match="OPENAI_BASE_URL、NIANBAO_MODEL"):
        LLMSettings.from_env({"NIANBAO_LLM_PROVIDER": "custom"})
    body = sent(preset(fake, "custom", NIANBAO_MODEL="my-model"), fake)
    assert body["model"] == "my-model" and body["max_tokens"] == 4096
    assert body["response_format"] == {"type": "json_object"}
    assert not {"thinking", "enable_thinking", "reasoning_effort", "chat_template_kwargs"} & body.keys()


def test_function_calling_is_answered_as_a_tool_call(fake):
    body = sent(preset(fake, "deepseek", NIANBAO_LLM_METHOD="function_calling"), fake)
    assert body["tools"][0]["function"]["name"] == "NarrativeOut" and "response_format" not in body


def test_extra_body_is_merged_over_the_preset(fake):
    body = sent(
        preset(fake, "deepseek", NIANBAO_LLM_EXTRA_BODY='{"thinking": {"type": "enabled"}, "top_p": 0.5}'),
        fake,
    )
    assert body["thinking"] == {"type": "enabled"} and body["top_p"] == 0.5
    with pytest.raises(ConfigError, match="NIANBAO_LLM_EXTRA_BODY"):
        preset(fake, "deepseek", NIANBAO_LLM_EXTRA_BODY="[1]")


def test_the_provider_is_inferred_and_the_retired_default_is_gone():
    assert (
        LLMSettings.from_env({"OPENAI_API_KEY": "k"}).model == "gpt-5.4-mini"
    )  # never deepseek-chat to OpenAI
    deepseek = LLMSettings.from_env({"OPENAI_BASE_URL": "https://api.deepseek.com/v1", "OPENAI_API_KEY": "k"})
    assert (deepseek.provider, deepseek.model) == ("deepseek", "deepseek-flash")
    assert (
        LLMSettings.from_env(
            {"OPENAI_BASE_URL": "https://dashscope.aliyuncs.com/compatible-mode/v1", "OPENAI_API_KEY": "k"}
        ).provider
        == "qwen"
    )
    with pytest.raises(ConfigError, match="NIANBAO_LLM_PROVIDER"):
        LLMSettings.from_env({"NIANBAO_LLM_PROVIDER": "gemini"})


def _check(fake: FakeOpenAI, **env: str):
    base = {
        "NIANBAO_LLM_PROVIDER": "deepseek",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_API_KEY": "k",
        "NIANBAO_LLM_BACKOFF": "0.01",
        "NIANBAO_LLM_TIMEOUT": "2",
    }
    return CliRunner().invoke(app, ["llm", "check"], env={**base, **env})


def test_llm_check_reports_a_working_configuration(fake):
    fake.default = {"ok": True, "echo": "年报"}
    result = _check(fake)
    assert result.exit_code == 0, result.output
    assert "模型 deepseek-flash" in result.stdout and "✓ 模型可用" in result.stdout
    assert "✓ 按要求返回了 JSON" in result.stdout and "毫秒" in result.stdout
    assert json.dumps(fake.requests[0].body["thinking"]) == '{"type": "disabled"}'


def test_llm_check_tells_prose_from_json(fake):
    fake.default = "好的，年报。"
    result = _check(fake)
    assert result.exit_code == 1 and "✗ 没有按要求返回 JSON" in result.stdout


def test_llm_check_names_endpoint_and_model_of_a_missing_model(fake):
    from fake_openai import Reply

    fake.default = Reply(404, "Model Not Exist")
    result = _check(fake, NIANBAO_MODEL="deepseek-chat")
    assert result.exit_code == 2
    assert (
        f"模型或地址不存在，请检查 NIANBAO_MODEL 和 OPENAI_BASE_URL（HTTP 404：Model Not Exist；{fake.base_url}，模型 deepseek-chat）"
        in result.stdout
    )
    assert len(fake.requests) == 1  # a 404 is not retried


def test_the_readme_documents_a_working_configuration_for_every_provider():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"^export (NIANBAO_LLM_PROVIDER=.+)$", readme, re.MULTILINE)
    configured = {}
    for line in examples:
        env = dict(pair.split("=", 1) for pair in line.split())
        settings = LLMSettings.from_env(env)
        configured[settings.provider] = settings
    assert sorted(configured) == sorted(PRESETS)
    assert configured["ollama"].context == 4096 and configured["vllm"].model == "Qwen/Qwen3-8B"


def test_a_hosted_provider_without_a_key_is_refused_at_once():
    for name in ("deepseek", "qwen", "openai"):
        with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
            LLMSettings.from_env({"NIANBAO_LLM_PROVIDER": name})
    assert LLMSettings.from_env({"NIANBAO_LLM_PROVIDER": "ollama", "NIANBAO_MODEL": "qwen3:8b"}) is not None


def test_an_endpoint_error_is_reported_once_naming_endpoint_and_model(fake, caplog):
    from fake_openai import Reply

    fake.default = Reply(404, "Model Not Exist")
    reviewer = LLMReviewer(
        preset(fake, "deepseek", NIANBAO_MODEL="deepseek-chat", NIANBAO_LLM_BACKOFF="0.01")
    )
    notes = [
        review_bytes(seed(s).read_bytes(), f"{s}.txt", narrative=reviewer).narrative.note
        for s in ("001", "004")
    ]
    reason = f"模型或地址不存在，请检查 NIANBAO_MODEL 和 OPENAI_BASE_URL（HTTP 404：Model Not Exist；{fake.base_url}，模型 deepseek-chat）"
    assert all(reason in note for note in notes)  # each review says why it fell back
    assert [r.getMessage() for r in caplog.records if r.name == "nianbao.llm"] == [
        f"大模型服务出错：{reason}"
    ]
