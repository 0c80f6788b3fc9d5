"""The package's architecture, checked from its imports (``docs/architecture.md``).

Every import in ``assistant/`` is read with :mod:`ast`, function-level ones included: no module
may take part in an import cycle, a stage imports only from the stages below it, and the
front ends reach the core only through the public surface (``assistant``) and the foundation
modules. The core also imports without the front ends' libraries.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"

#: The foundation modules any module may import.
FOUNDATION = ("assistant.errors", "assistant.options", "assistant.recent", "assistant.settings")
#: The pipeline's stages, from the bottom up: each may import only the ones before it.
STAGES = (
    "assistant.ingest",
    "assistant.text",
    "assistant.embedding",
    "assistant.store",
    "assistant.search",
    "assistant.answer",
    "assistant.chat",
    "assistant.evaluation",
)
FRONT_ENDS = ("assistant.cli", "assistant.web", "assistant.slack")
#: Modules that are neither, with what they are.
OTHERS = {"assistant": "the public surface", "assistant.__main__": "python -m assistant"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every ``assistant`` import in a file, wherever it is in the file.

    ``from assistant.x import y`` counts as an import of ``assistant.x.y`` when that is a module.
    """
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            names += [f"{node.module}.{alias.name}" for alias in node.names if is_module(f"{node.module}.{alias.name}")]
        else:
            continue
        for name in names:
            if name == "assistant" or name.startswith("assistant."):
                yield node.lineno, name


def is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def graph() -> dict[str, set[str]]:
    """Module → the modules it imports (a package's ``__init__`` stands for the package)."""
    out: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        here = module_name(path)
        out[here] = {name for _, name in imports_of(path) if name != here}
    return out


def layer(module: str) -> tuple[str, int]:
    """The kind of a module and, for stages, its height."""
    if module in FOUNDATION:
        return "foundation", -1
    for height, stage in enumerate(STAGES):
        if module == stage or module.startswith(stage + "."):
            return "stage", height
    if any(module == f or module.startswith(f + ".") for f in FRONT_ENDS):
        return "front end", len(STAGES)
    if module in OTHERS:
        return "other", len(STAGES) + 1
    raise AssertionError(f"{module} belongs to no stage: add it to one, or to STAGES in {__file__}")


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_every_module_belongs_to_a_layer() -> None:
    for module in graph():
        layer(module)


def test_there_is_no_import_cycle() -> None:
    edges = graph()
    cycle = find_cycle({m: deps - {"assistant"} for m, deps in edges.items()})
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_stages_import_only_the_stages_below_them() -> None:
    wrong = []
    for module, deps in graph().items():
        kind, height = layer(module)
        for dep in deps:
            dep_kind, dep_height = layer(dep)
            if kind == "foundation" and dep_kind != "foundation":
                wrong.append(f"{module} (foundation) imports {dep}")
            elif kind == "stage" and (dep_kind in ("front end", "other") or dep_height > height):
                wrong.append(f"{module} imports {dep}, above it")
    assert not wrong, "\n".join(sorted(wrong))


def test_front_ends_use_only_the_public_surface() -> None:
    wrong = []
    for module, deps in graph().items():
        if layer(module)[0] != "front end":
            continue
        for dep in deps:
            if layer(dep)[0] == "stage":
                wrong.append(f"{module} imports {dep}: export what it needs from assistant/__init__.py")
    assert not wrong, "\n".join(sorted(wrong))


def test_the_public_surface_names_real_objects() -> None:
    import assistant

    for name in assistant.__all__:
        assert getattr(assistant, name) is not None
    with pytest.raises(AttributeError):
        _ = assistant.not_a_name  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("missing", "imported", "layer_name"),
    [
        (
            "fastapi=None, starlette=None, uvicorn=None",
            "assistant.answer.engine, assistant.chat.conversation, assistant.chat.sessions, assistant.cli",
            "assistant.web",
        ),
        (
            "slack_bolt=None, slack_sdk=None",
            "assistant.answer.engine, assistant.chat.conversation, assistant.cli, assistant.web.app",
            "assistant.slack",
        ),
    ],
)
def test_the_core_imports_without_a_front_end(missing: str, imported: str, layer_name: str) -> None:
    code = (
        "import sys\n"
        f"sys.modules.update({missing})\n"
        f"import {imported}\n"
        f"assert not [m for m in sys.modules if m.startswith({layer_name!r})]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_the_package_loads_nothing_heavy() -> None:
    code = (
        "import sys, assistant, assistant.cli\n"
        "heavy = [m for m in ('numpy', 'torch', 'kiwipiepy', 'faiss', 'onnxruntime') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
