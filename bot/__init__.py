"""The Slack bot (``nianbao serve``; docs/slack.md).

``app`` assembles everything and runs the Socket Mode or HTTP adapter; ``handlers`` are the thin bolt
listeners (parse, ack, enqueue); ``worker`` is the bounded pool and a review's lifecycle; ``jobs`` is
what a review job does in Slack; ``fetch`` downloads with limits and the SSRF guard; ``reviewing``
runs the review; ``compare`` finds what changed since the previous review; ``blocks`` and
``commands`` are the user-facing texts (pure); ``store`` is the history; ``config`` the settings;
``logs`` the redacting log format. The weekly digest (``nianbao digest``): ``digest`` computes it
(pure), ``digest_render`` writes Block Kit, text and the chart, ``digest_post`` posts it once per
channel and week, ``digest_schedule`` is ``serve --digest``, ``units`` the expected-units list.
"""
