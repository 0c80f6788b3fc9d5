"""Options and error handling shared by the commands: --index/--model, --mode, --log-level, settings."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.errors import AssistantError
from assistant.options import MODES

F = TypeVar("F", bound=Callable[..., Any])


def common_options(func: F) -> F:
    """--index and --model, taken by every command (also ASSISTANT_INDEX_DIR / ASSISTANT_MODEL)."""
    func = click.option(
        "--model",
        "model",
        envvar="ASSISTANT_MODEL",
        default=None,
        metavar="NAME",
        help="임베딩 모델: embedded-e5-small(기본, 오프라인) 또는 sentence-transformers 모델 이름/폴더. "
        "[환경 변수: ASSISTANT_MODEL]",
    )(func)
    func = click.option(
        "--index",
        "index_dir",
        envvar="ASSISTANT_INDEX_DIR",
        default=None,
        metavar="DIR",
        type=click.Path(path_type=Path),
        help="색인 폴더(기본 index/). [환경 변수: ASSISTANT_INDEX_DIR]",
    )(func)
    return func


def mode_option(help_text: str) -> Callable[[F], F]:
    """--mode: hybrid (default), dense or bm25."""
    return click.option(
        "--mode", type=click.Choice(MODES), default="hybrid", help=f"{help_text} hybrid(기본), dense, bm25."
    )


def settings_from(**overrides: Any) -> Any:
    """Settings from ASSISTANT_* variables, with the given command-line values on top."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from assistant.errors import ConfigError
    from assistant.settings import Settings

    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**given)
        # Messages name the index folder as an absolute path, wherever the command runs.
        return settings.model_copy(update={"index_dir": absolute(settings.index_dir)})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid setting: {problems}") from None
    except SettingsError as exc:  # a variable that should hold JSON does not (ASSISTANT_CORS_ORIGINS=x)
        cause = f" ({exc.__cause__})" if exc.__cause__ else ""
        raise ConfigError(
            f"invalid setting: {exc}{cause}",
            hint="List values are JSON, for example ASSISTANT_CORS_ORIGINS='[\"https://chat.example.com\"]'.",
        ) from None


def absolute(path: Path) -> Path:
    """``path`` from the root, as messages show it (``~`` expanded, ``..`` resolved; links kept)."""
    return Path(os.path.abspath(path.expanduser()))


def handle_errors(func: F) -> F:
    """Print an AssistantError as a message (and its hint) and exit with its code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AssistantError as exc:
            click.secho(f"오류: {exc.message}", fg="red", err=True)
            if exc.hint:
                click.echo(exc.hint, err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("중단되었습니다.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


log_level_option = click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    help="로그 수준(기본 info).",
)
