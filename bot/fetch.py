"""Slack file downloads: the checked download of ``extractors.fetch`` with the bot token. The bot's
modules import every download name from here."""

from __future__ import annotations

from extractors.fetch import Fetched, FetchError, Limits, Origin, fetch_url, origin_of

__all__ = ["FetchError", "Fetched", "Limits", "Origin", "download_slack_file", "fetch_url", "origin_of"]


def download_slack_file(url: str, limits: Limits, token: str, slack_origins: frozenset[Origin]) -> Fetched:
    """A Slack ``url_private``: the token goes only to Slack's own origins (never along a redirect away,
    nor to the same host over another scheme: ``slack_origins`` are https but for a configured API URL)."""
    return fetch_url(url, limits, token=token, token_origins=slack_origins)
