"""The command line in Korean: click's own words in help texts and usage errors.

Commands made with ``@main.command()`` / ``@main.group()`` get these classes; their help texts
are written in Korean where they are defined. Command names, option names and paths stay as
they are.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import click

#: Section titles of a help text.
SECTIONS = {"Options": "옵션", "Commands": "명령", "Positional arguments": "인자"}
HELP_OPTION_HELP = "이 도움말을 보이고 끝냅니다."
VERSION_OPTION_HELP = "버전을 보이고 끝냅니다."

#: click's usage errors that a person meets, as (pattern, Korean); others keep click's text.
USAGE_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Missing argument '(?P<a>[^']+)'\.?$"), "인자 {a}가 없습니다."),
    (re.compile(r"^Missing option '(?P<a>[^']+)'\.?$"), "옵션 {a}가 필요합니다."),
    (
        re.compile(r"^No such option:? '?(?P<a>[^'\s]+?)'?\.?(?: \(?Did you mean(?: one of:)? (?P<s>.*?)\?\)?)?$"),
        "{a} 옵션은 없습니다.",
    ),
    (re.compile(r"^No such command '(?P<a>[^']+)'\.?$"), "{a} 명령은 없습니다."),
    (re.compile(r"^Option '(?P<a>[^']+)' requires an argument\.?$"), "{a} 옵션에 값이 필요합니다."),
    (re.compile(r"^Got unexpected extra arguments? \((?P<a>.*)\)$"), "알 수 없는 인자: {a}"),
    (re.compile(r"^Invalid value for '(?P<a>[^']+)': (?P<b>.*)$", re.S), "{a}의 값이 잘못되었습니다: {b}"),
    (re.compile(r"^Missing command\.?$"), "명령을 지정하세요."),
]
#: The reasons inside "Invalid value for ...".
VALUE_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^'?(?P<v>[^']*)'? is not one of (?P<c>.*)\.$"), "{v}: 다음 중 하나를 고르세요: {c}."),
    (re.compile(r"^'?(?P<v>[^']*)'? is not a valid integer( range)?\.$"), "{v}: 정수가 아닙니다."),
    (re.compile(r"^(?P<v>\S+) is not in the range (?P<r>.*)\.$"), "{v}: 범위({r})를 벗어납니다."),
    (re.compile(r"^(?P<v>\S+) is not (?P<r>[<>]=? ?\S+)\.$"), "{v}: {r}이어야 합니다."),
    (re.compile(r"^File '(?P<v>[^']*)' does not exist\.$"), "파일 {v}가 없습니다."),
    (re.compile(r"^(?:File|Path) '(?P<v>[^']*)' is a directory\.$"), "{v}는 폴더입니다. 파일을 주세요."),
    (re.compile(r"^'(?P<v>[^']*)': No such file or directory$"), "파일 {v}가 없습니다."),
]


def korean_usage_error(message: str) -> str:
    """click's usage error ``message`` in Korean (as it is when it is not one of the known ones)."""
    for pattern, template in USAGE_ERRORS:
        match = pattern.match(message.strip())
        if match:
            parts = {k: v or "" for k, v in match.groupdict().items()}
            if "b" in parts and template.endswith("{b}"):
                parts["b"] = _value_error(parts["b"])
            text = template.format(**parts)
            if parts.get("s"):  # click's suggestions
                text += f" 비슷한 옵션: {parts['s'].replace(chr(39), '')}"
            return text
    return message


def _value_error(reason: str) -> str:
    for pattern, template in VALUE_ERRORS:
        match = pattern.match(reason.strip())
        if match:
            return template.format(**match.groupdict())
    return reason


class KoreanFormatter(click.HelpFormatter):
    """Help texts with Korean section titles and usage line."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "사용법: " if prefix is None else prefix)

    def section(self, name: str) -> Any:
        return super().section(SECTIONS.get(name, name))


class KoreanContext(click.Context):
    formatter_class = KoreanFormatter


class KoreanCommand(click.Command):
    """A command whose help and usage errors are in Korean."""

    context_class = KoreanContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[옵션]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        standalone = kwargs.get("standalone_mode", True)
        if not standalone:
            return super().main(args, *rest, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            return super().main(args, *rest, **kwargs)
        except click.UsageError as exc:
            show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.secho(f"오류: {exc.format_message()}", fg="red", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("중단되었습니다.", err=True)
            sys.exit(1)


class KoreanGroup(KoreanCommand, click.Group):
    """A group of commands; the commands and groups made under it are Korean too."""

    command_class = KoreanCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "명령 [인자]...")
        super().__init__(*args, **kwargs)


KoreanGroup.group_class = KoreanGroup


def show_usage_error(exc: click.UsageError) -> None:
    """A usage error as click shows it, in Korean: the usage line, a hint and the error."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):  # a group given no command: its help
        click.echo(exc.format_message(), err=True)
        return
    ctx = exc.ctx
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        names = ctx.command.get_help_option_names(ctx)
        if ctx.command.get_help_option(ctx) is not None and names:
            click.echo(f"도움말: '{ctx.command_path} {sorted(names)[0]}'\n", err=True)
    click.secho(f"오류: {korean_usage_error(exc.format_message())}", fg="red", err=True)
