import sys, time, logging
sys.path.insert(0, "tests")
from bot_harness import running_bot, seed_docx
import pytest

def test_smoke(tmp_path, monkeypatch):
    with running_bot(tmp_path, monkeypatch) as h:
        f = h.slack.share_file("金岭2022.docx", seed_docx())
        t=time.perf_counter()
        print(h.slack.send_event(h.url, h.slack.file_share_event(f)))
        print(h.slack.send_event(h.url, h.slack.file_shared_event(f)))
        h.slack.wait_for("chat.postMessage")
        print("first msg", time.perf_counter()-t)
        rows = h.wait_idle()
        print([(r.status, r.error, r.verdict) for r in rows])
        print(h.slack.methods())
        print(h.slack.calls_to("chat.postMessage")[0].params)
