"""Build the LibreOffice Korean help collection, a second development corpus, and check its questions.

    python -m bench.help_corpus                  # build (or reuse) the collection, print where it is
    python -m bench.help_corpus --out DIR        # build it in DIR instead
    python -m bench.help_corpus --record         # download, record the package's SHA-256, then build
    python -m bench.help_corpus --check          # check bench/data/help/questions.jsonl against it (needs bs4)

The pages come from Debian's ``libreoffice-help-ko`` package (MPL-2.0), fetched with ``apt-get download``
and checked against the SHA-256 recorded in ``bench/data/help/package.sha256``. Every help page under
``usr/share/libreoffice/help/ko/text/`` that has visible text (outside scripts, styles and ``hidden`` elements,
as the assistant's HTML loader reads it) is copied with its relative path, so a page's doc id is e.g.
``text/swriter/guide/pagenumbers.html``. The page chrome that every page repeats (the
``<header id="TopLeftHeader">`` bar, the two ``<aside>`` contents/index panels and the debug ``<footer>``)
is cut out; everything else is copied byte for byte. The default folder is
``$XDG_CACHE_HOME/korean-assistant/bench/libreoffice-help-ko/`` (``~/.cache`` when the variable is unset);
a marker file ``.help_corpus.json`` in it records what was built, and a later run with the same checksum
does nothing.

Other benchmark scripts call :func:`ensure_help_corpus`. Standard library only, except ``--check``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path

from assistant.embedding.model_cache import file_sha256

PACKAGE = "libreoffice-help-ko"
DATA = Path(__file__).resolve().parent / "data" / "help"
CHECKSUM_FILE = DATA / "package.sha256"
QUESTIONS_FILE = DATA / "questions.jsonl"
MARKER = ".help_corpus.json"
BUILD_FORMAT = 1  # bump when the page selection or cleaning changes, so built folders are rebuilt
HELP_ROOT = Path("usr/share/libreoffice/help/ko")
PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhp"})

# Page chrome repeated on every page, each a block without nested blocks of the same tag.
_CHROME = (
    re.compile(r'<header id="TopLeftHeader">.*?</header>', re.DOTALL),
    re.compile(r'<aside class="rightside">.*?</aside>', re.DOTALL),
    re.compile(r'<aside class="leftside">.*?</aside>', re.DOTALL),
    re.compile(r"<footer>\s*<div id=\"DEBUG\".*?</footer>", re.DOTALL),
)


class HelpCorpusError(Exception):
    """A step of the build failed; the message says what to do."""


# ---------------------------------------------------------------------------
# Where things are


def default_out() -> Path:
    """``$XDG_CACHE_HOME/korean-assistant/bench/libreoffice-help-ko`` (``~/.cache`` by default)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "korean-assistant" / "bench" / PACKAGE


def read_recorded(path: Path = CHECKSUM_FILE) -> tuple[str, str] | None:
    """The recorded ``(sha256, deb file name)``, or None when nothing is recorded."""
    if not path.is_file():
        return None
    fields = path.read_text("utf-8").split()
    if len(fields) != 2 or not re.fullmatch(r"[0-9a-f]{64}", fields[0]):
        raise HelpCorpusError(f"{path} should hold one line '<sha256>  <deb file name>'; rerun with --record")
    return fields[0], fields[1]


def read_marker(out: Path) -> dict[str, object] | None:
    """What the marker file of a built folder says, or None."""
    try:
        data = json.loads((out / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_built(out: Path, sha256: str) -> bool:
    """Whether ``out`` holds a complete build of the package with this checksum."""
    marker = read_marker(out)
    return marker is not None and marker.get("sha256") == sha256 and marker.get("format") == BUILD_FORMAT


# ---------------------------------------------------------------------------
# Download, verify, extract


def _run(cmd: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which(cmd[0]) is None:
        raise HelpCorpusError(f"{cmd[0]} not found: this needs a Debian-based system with apt and dpkg")
    return subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, check=False)


def download_deb(workdir: Path) -> Path:
    """``apt-get download`` the package into ``workdir``; runs ``apt-get update`` once if the lists lack it."""
    result = _run(["apt-get", "download", PACKAGE], workdir)
    if result.returncode != 0:
        print(
            f"apt-get download failed ({result.stderr.strip()}); running apt-get update and retrying", file=sys.stderr
        )
        update = _run(["apt-get", "update"], workdir)
        if update.returncode != 0:
            raise HelpCorpusError(f"apt-get update failed: {update.stderr.strip()}")
        result = _run(["apt-get", "download", PACKAGE], workdir)
        if result.returncode != 0:
            raise HelpCorpusError(f"apt-get download {PACKAGE} failed: {result.stderr.strip()}")
    debs = sorted(workdir.glob(f"{PACKAGE}_*.deb"))
    if len(debs) != 1:
        raise HelpCorpusError(f"expected one {PACKAGE} .deb after apt-get download, found {len(debs)}")
    return debs[0]


def verify(deb: Path, recorded: tuple[str, str] | None) -> str:
    """The deb's SHA-256 after checking it against the recorded one; raises on a mismatch."""
    actual = file_sha256(deb)
    if recorded is None:
        raise HelpCorpusError(
            f"no checksum recorded in {CHECKSUM_FILE}; run `python -m bench.help_corpus --record` to record "
            f"{deb.name} ({actual})"
        )
    expected, name = recorded
    if actual != expected:
        raise HelpCorpusError(
            f"the {PACKAGE} package version changed: downloaded {deb.name} (sha256 {actual}), "
            f"recorded {name} (sha256 {expected}). The questions were checked against the recorded version. "
            "To use the new one, run `python -m bench.help_corpus --record`, then "
            "`python -m bench.help_corpus --check` and fix the questions it reports."
        )
    return actual


def record(deb: Path) -> tuple[str, str]:
    """Write the deb's checksum and file name to the checksum file."""
    entry = (file_sha256(deb), deb.name)
    CHECKSUM_FILE.parent.mkdir(parents=True, exist_ok=True)
    CHECKSUM_FILE.write_text(f"{entry[0]}  {entry[1]}\n", "utf-8")
    print(f"recorded {entry[1]} ({entry[0]}) in {CHECKSUM_FILE}")
    return entry


def extract(deb: Path, dest: Path) -> Path:
    """Unpack the deb into ``dest``; the folder of the Korean help."""
    dest.mkdir(parents=True, exist_ok=True)
    result = _run(["dpkg-deb", "-x", str(deb), str(dest)], dest)
    if result.returncode != 0:
        raise HelpCorpusError(f"dpkg-deb -x {deb.name} failed: {result.stderr.strip()}")
    root = dest / HELP_ROOT
    if not (root / "text").is_dir():
        raise HelpCorpusError(f"{deb.name} has no {HELP_ROOT}/text folder: the package layout changed")
    return root


# ---------------------------------------------------------------------------
# Pages


class _TextProbe(HTMLParser):
    """Collects the text a reader sees: not in <head>, scripts, styles, or elements marked ``hidden``."""

    _SKIP = frozenset({"head", "script", "style", "noscript", "template"})
    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping = 0  # open elements since entering a skipped one
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            return
        if self.skipping:
            self.skipping += 1
        elif tag in self._SKIP or any(name == "hidden" for name, _ in attrs):
            self.skipping = 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._VOID and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def has_visible_text(html: str) -> bool:
    """Whether the page shows any letter or digit outside head, scripts, styles and hidden elements."""
    probe = _TextProbe()
    probe.feed(html)
    probe.close()
    return any(ch.isalnum() for ch in "".join(probe.parts))


def strip_chrome(html: str) -> str:
    """The page without its navigation header, contents/index panels and debug footer."""
    for pattern in _CHROME:
        html = pattern.sub("", html, count=1)
    return html


def help_pages(root: Path) -> Iterator[Path]:
    """The help pages under ``root/text``, sorted (JS, images and the no-script notice are elsewhere)."""
    for path in sorted((root / "text").rglob("*")):
        if path.is_file() and path.suffix.lower() in PAGE_SUFFIXES:
            yield path


def doc_id(page: Path, root: Path) -> str:
    """The page's path relative to the help root, '/'-separated, with an .html/.htm suffix."""
    rel = page.relative_to(root).as_posix()
    return rel if page.suffix.lower() in {".html", ".htm"} else str(Path(rel).with_suffix(".html").as_posix())


def copy_pages(root: Path, out: Path) -> tuple[int, list[str]]:
    """Write the cleaned pages into ``out``; the number written and the doc ids skipped as empty."""
    written, skipped = 0, []
    for page in help_pages(root):
        name = doc_id(page, root)
        html = strip_chrome(page.read_text("utf-8"))
        if not has_visible_text(html):
            skipped.append(name)
            continue
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, "utf-8")
        written += 1
    return written, skipped


# ---------------------------------------------------------------------------
# Build


def _prepare_out(out: Path) -> None:
    """Empty ``out`` if it is an earlier build; refuse to touch a folder that is not one."""
    if not out.exists():
        return
    if not out.is_dir():
        raise HelpCorpusError(f"{out} exists and is not a folder")
    if any(out.iterdir()) and read_marker(out) is None:
        raise HelpCorpusError(f"{out} is not empty and was not built by this script; choose another --out")
    shutil.rmtree(out)


def build(out: Path, *, rerecord: bool = False) -> Path:
    """Download, verify, extract and copy the pages into ``out`` (skipped when already built)."""
    recorded = read_recorded()
    if not rerecord and recorded is not None and is_built(out, recorded[0]):
        print(f"{out}: already built from {recorded[1]}")
        return out
    with tempfile.TemporaryDirectory(prefix="help-corpus-") as tmp:
        work = Path(tmp)
        deb = download_deb(work)
        if rerecord:
            recorded = record(deb)
        sha256 = verify(deb, recorded)
        root = extract(deb, work / "x")
        _prepare_out(out)
        staging = out.with_name(out.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        written, skipped = copy_pages(root, staging)
        marker = {"package": deb.name, "sha256": sha256, "format": BUILD_FORMAT, "pages": written, "skipped": skipped}
        (staging / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1) + "\n", "utf-8")
        staging.rename(out)
    print(f"wrote {written} pages to {out} (skipped {len(skipped)} without visible text)")
    return out


def ensure_help_corpus(out: Path | None = None) -> Path:
    """The folder of the built collection, building it first when needed."""
    return build((out or default_out()).expanduser())


# ---------------------------------------------------------------------------
# Check the questions (needs BeautifulSoup)


def collapse(text: str) -> str:
    """Every run of whitespace as one space, no space at either end."""
    return re.sub(r"\s+", " ", text).strip()


def page_texts(html: str) -> tuple[str, str]:
    """The page's ``get_text()``, and its text without head/script/style/hidden parts, both collapsed."""
    from bs4 import BeautifulSoup  # only --check needs it

    soup = BeautifulSoup(html, "html.parser")
    plain = collapse(soup.get_text())
    for tag in soup.find_all(["head", "script", "style", "noscript", "template"]):
        tag.decompose()
    for tag in soup.select("[hidden]"):
        tag.decompose()
    return plain, collapse(soup.get_text())


def question_problems(entry: dict[str, object], out: Path, cache: dict[str, tuple[str, str]]) -> list[str]:
    """What is wrong with one question (nothing for a good one)."""
    if entry.get("answerable", True) is False:
        extra = [key for key in ("doc", "docs", "sentence") if key in entry]
        return [f"unanswerable question names {extra}"] if extra else []
    raw_docs = entry.get("docs") or [entry.get("doc")]
    docs = [d for d in raw_docs if isinstance(d, str)] if isinstance(raw_docs, list) else []
    if not docs:
        return ["no doc or docs"]
    problems = []
    for doc in docs:
        if doc not in cache:
            path = out / doc
            if not path.is_file():
                problems.append(f"{doc}: no such page")
                continue
            cache[doc] = page_texts(path.read_text("utf-8"))
    sentence = entry.get("sentence")
    if sentence is not None:
        wanted = collapse(str(sentence))
        if not any(doc in cache and all(wanted in text for text in cache[doc]) for doc in docs):
            problems.append(f"sentence not in the visible text of {docs}: {wanted}")
    return problems


def check(out: Path, questions: Path = QUESTIONS_FILE) -> int:
    """Report every question whose page or sentence is missing; the exit status."""
    cache: dict[str, tuple[str, str]] = {}
    ids: set[str] = set()
    failures = answerable = unanswerable = 0
    for n, line in enumerate(questions.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        entry = json.loads(line)
        qid = str(entry.get("id", n))
        problems = question_problems(entry, out, cache)
        if qid in ids:
            problems.append("duplicate id")
        ids.add(qid)
        if entry.get("answerable", True) is False:
            unanswerable += 1
        else:
            answerable += 1
        for problem in problems:
            print(f"{questions.name}:{n} ({qid}): {problem}")
        failures += bool(problems)
    print(f"{answerable} answerable questions over {len(cache)} pages, {unanswerable} unanswerable: {failures} failed")
    return 1 if failures else 0


# ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.help_corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="where to build (default: %(default)s)", default=default_out())
    parser.add_argument("--record", action="store_true", help="record the downloaded package's SHA-256, then build")
    parser.add_argument("--check", action="store_true", help="build if needed, then check questions.jsonl")
    args = parser.parse_args(argv)
    out = args.out.expanduser()
    try:
        build(out, rerecord=args.record)
    except HelpCorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return check(out) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
