"""The app manifest grants exactly what the code uses: every Web API call's scope, every event listened to."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

BOT = Path(__file__).parent.parent / "bot"
# Web API methods the bot calls (slack_sdk names) → the scope each needs.
SCOPES = {
    "files_info": "files:read",
    "conversations_history": "channels:history",
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "files_upload_v2": "files:write",
    "reactions_add": "reactions:write",
    "reactions_remove": "reactions:write",
}
EVENTS = {"file_shared": "file_shared", "message": "message.channels"}


def manifest() -> dict:
    return yaml.safe_load((BOT / "slack_app_manifest.yml").read_text(encoding="utf-8"))


def test_every_api_call_has_its_scope_and_no_scope_is_unused():
    called = set(re.findall(r"self\.client\.(\w+)", "".join(p.read_text() for p in BOT.glob("*.py"))))
    assert called == set(SCOPES), "a new Web API call: add it and its scope here and in the manifest"
    needed = set(SCOPES.values()) | {
        "commands",
        "groups:history",
    }  # /review; the same events in private channels
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == needed


def test_events_and_command_match_the_listeners():
    handlers = (BOT / "handlers.py").read_text()
    listened = set(re.findall(r'@app\.event\(\{?"?(?:type": )?"(\w+)"', handlers))
    m = manifest()
    assert {EVENTS[e] for e in listened} | {"message.groups"} == set(
        m["settings"]["event_subscriptions"]["bot_events"]
    )
    assert [c["command"] for c in m["features"]["slash_commands"]] == re.findall(
        r'@app\.command\("(/\w+)"\)', handlers
    )
    assert m["settings"]["socket_mode_enabled"] is True
