"""The Slack bot: answers mentions, direct messages and ``/ask`` in threads (slack-bolt).

A thread is a conversation: follow-ups in it are resolved like any chat. Two ways to run:
over HTTP, mounted on the FastAPI app at ``/slack/events`` (:mod:`assistant.slack.http`),
or over Socket Mode with ``assistant slack`` (:mod:`assistant.slack.socket`).

The core never imports this package; :mod:`assistant.slack.blocks` and
:mod:`assistant.slack.incoming` are pure and need no Slack library.
"""
