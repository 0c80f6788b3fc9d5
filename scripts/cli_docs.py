"""Write docs/cli.md from the command line's own --help texts.

.venv/bin/python scripts/cli_docs.py
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from assistant.cli.commands import main

COMMANDS = ["", "index", "ask", "chat", "eval", "serve", "info", "schema", "feedback", "feedback export"]


def main_docs() -> None:
    runner = CliRunner()
    parts = ["# Command line", "", "Generated from `--help` by `scripts/cli_docs.py`; do not edit by hand.", ""]
    for name in COMMANDS:
        args = [*name.split(), "--help"]
        result = runner.invoke(main, args, prog_name="assistant", terminal_width=100)
        title = f"assistant {name}".strip()
        parts += [f"## `{title}`", "", "```text", result.output.rstrip(), "```", ""]
    out = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    out.write_text("\n".join(parts), "utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main_docs()
