"""The core imports without its front ends: each layer can be left out of an install."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("missing", "imported", "layer"),
    [
        (
            "fastapi=None, starlette=None, uvicorn=None",
            "assistant.answer.engine, assistant.chat.conversation, assistant.chat.sessions, assistant.cli.commands",
            "assistant.web",
        ),
        (
            "slack_bolt=None, slack_sdk=None",
            "assistant.answer.engine, assistant.chat.conversation, assistant.cli.commands, assistant.web.app",
            "assistant.slack",
        ),
    ],
)
def test_the_core_imports_without_a_front_end(missing: str, imported: str, layer: str) -> None:
    code = (
        "import sys\n"
        f"sys.modules.update({missing})\n"
        f"import {imported}\n"
        f"assert not [m for m in sys.modules if m.startswith({layer!r})]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
