"""The command line, run with click's CliRunner over the golden corpus and the fake embedder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from conftest import FAKE_MODEL, FakeEmbedder

from assistant.answer.schema import Answer
from assistant.cli.commands import TURN_RULE, _model_loading, main
from assistant.cli.params import korean_message
from assistant.cli.render import render
from assistant.errors import ConfigError, CorpusError, IndexBusyError, ModelError
from assistant.settings import EMBEDDED_MODEL, Settings
from assistant.store.builder import IndexBuilder
from assistant.store.versions import current_version


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def answers(result: Result) -> list[Answer]:
    assert result.exit_code == 0, result.output
    return [Answer.model_validate_json(line) for line in result.stdout.splitlines()]


# ---------------------------------------------------------------------------
# index


def test_index_reports_counts(env: Path, runner: CliRunner, golden_corpus: Path) -> None:
    result = runner.invoke(main, ["index", str(golden_corpus)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("색인 완료: 문서 2개, 구절 6개 (새로 임베딩 6, 재사용 0)")
    assert str(env) in result.stdout
    assert "문서 2개, 구절 6개" in result.stderr  # progress goes to stderr
    assert current_version(env) is not None


def test_interrupted_index_says_how_to_resume_and_resumes(
    env: Path, runner: CliRunner, golden_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = FakeEmbedder.embed
    batches = []

    def stop_after_one_batch(self: FakeEmbedder, texts: object, kind: str, **kw: object) -> object:
        if kind == "passage":
            batches.append(1)
            if len(batches) > 1:
                raise KeyboardInterrupt
        return real(self, texts, kind, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(IndexBuilder, "embed_batch", 2)
    monkeypatch.setattr(FakeEmbedder, "embed", stop_after_one_batch)
    result = runner.invoke(main, ["index", str(golden_corpus)])
    assert result.exit_code == 130
    assert "같은 명령을 다시 실행하면" in result.stderr
    assert current_version(env) is None

    monkeypatch.setattr(FakeEmbedder, "embed", real)
    result = runner.invoke(main, ["index", str(golden_corpus)])
    assert result.exit_code == 0, result.output
    assert "(새로 임베딩 4, 재사용 2)" in result.stdout  # the finished batch is not embedded again


def test_index_json_and_reuse(env: Path, runner: CliRunner, golden_corpus: Path) -> None:
    first = json.loads(runner.invoke(main, ["index", str(golden_corpus), "--json"]).stdout)
    assert (first["model"], first["n_documents"], first["n_chunks"], first["embedded_chunks"]) == (FAKE_MODEL, 2, 6, 6)
    second = json.loads(runner.invoke(main, ["index", str(golden_corpus), "--json"]).stdout)
    assert (second["embedded_chunks"], second["reused_chunks"]) == (0, 6)
    rebuilt = json.loads(runner.invoke(main, ["index", str(golden_corpus), "--json", "--rebuild"]).stdout)
    assert (rebuilt["embedded_chunks"], rebuilt["reused_chunks"]) == (6, 0)


def test_index_options_reach_the_manifest(env: Path, runner: CliRunner, golden_corpus: Path) -> None:
    result = runner.invoke(
        main,
        [
            "index",
            str(golden_corpus),
            "--json",
            "--chunk-size",
            "60",
            "--chunk-overlap",
            "20",
            "--vector-index",
            "hnsw",
        ],
    )
    assert result.exit_code == 0, result.output
    m = json.loads(result.stdout)
    assert (m["chunk_size"], m["chunk_overlap"], m["vector_index"], m["n_chunks"]) == (60, 20, "hnsw", 6)


def test_index_if_stale_on_a_current_index(indexed: Path, runner: CliRunner, golden_corpus: Path) -> None:
    before = current_version(indexed)
    result = runner.invoke(main, ["index", str(golden_corpus), "--if-stale"])
    assert result.exit_code == 0, result.output
    assert f"색인이 최신입니다: {indexed}" in result.stderr
    assert "색인 완료" not in result.output
    assert current_version(indexed) == before


def test_index_if_stale_on_a_changed_corpus(indexed: Path, runner: CliRunner, golden_corpus: Path) -> None:
    before = current_version(indexed)
    (golden_corpus / "부산.txt").write_text("부산은 바다가 아름다운 항구 도시이다.\n", "utf-8")
    result = runner.invoke(main, ["index", str(golden_corpus), "--if-stale", "-q"])
    assert result.exit_code == 0, result.output
    assert "색인 완료: 문서 3개, 구절 7개 (새로 임베딩 1, 재사용 6)" in result.stdout
    assert current_version(indexed) != before


def test_index_missing_corpus(env: Path, runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = runner.invoke(main, ["index", str(missing)])
    assert result.exit_code == 3
    assert f"오류: 문서 폴더 {missing}가 없습니다." in result.stderr
    assert "ASSISTANT_CORPUS_DIR" in result.stderr  # the hint


def test_index_empty_corpus(env: Path, runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(main, ["index", str(empty)])
    assert result.exit_code == 3
    assert (
        f"{empty}에 .txt/.md/.html/.pdf/.docx/.hwpx/.hwp/.odt/.odp/.ods/.pptx/.xlsx/.csv 파일이 없습니다."
        in result.stderr
    )


def test_index_reports_skipped_files(env: Path, runner: CliRunner, golden_corpus: Path) -> None:
    blob = golden_corpus / "blob.txt"
    blob.write_bytes(bytes(range(256)) * 8)
    result = runner.invoke(main, ["index", str(golden_corpus), "-q"])
    assert result.exit_code == 0, result.output
    assert "문서 2개" in result.stdout
    assert f"건너뜀: {blob}: 텍스트가 아닌 바이너리 파일입니다" in result.stderr


def test_invalid_setting_is_a_usage_error(env: Path, runner: CliRunner, golden_corpus: Path) -> None:
    result = runner.invoke(main, ["index", str(golden_corpus), "--chunk-size", "100", "--chunk-overlap", "100"])
    assert result.exit_code == 2
    assert "chunk_overlap은 chunk_size보다 작아야 합니다" in result.stderr


# ---------------------------------------------------------------------------
# ask


def test_ask_json_matches_the_schema(indexed: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["ask", "서울의 지하철은 몇 개 노선인가?", "--json"])
    [answer] = answers(result)
    assert answer.question == "서울의 지하철은 몇 개 노선인가?"
    assert answer.model == FAKE_MODEL
    assert not answer.abstained
    assert [c.n for c in answer.citations] == [1, 2, 3, 4, 5]
    assert (answer.citations[0].chunk_id, answer.citations[0].section) == ("서울.md#1", "서울 안내 > 교통")
    raw = json.loads(result.stdout)
    assert set(raw) == set(Answer.model_fields)


def test_ask_k(indexed: Path, runner: CliRunner) -> None:
    [answer] = answers(runner.invoke(main, ["ask", "서울의 지하철은 몇 개 노선인가?", "-k", "2", "--json"]))
    assert [c.n for c in answer.citations] == [1, 2]
    assert answer.citations[0].chunk_id == "서울.md#1"


def test_ask_k_out_of_range(indexed: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["ask", "서울", "-k", "0"])
    assert result.exit_code == 2
    assert "-k" in result.stderr


def test_ask_text_output(indexed: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["ask", "서울의 지하철은 몇 개 노선인가?", "-k", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # The bus sentence shares nothing with the question and stays out of the summary.
    assert lines[0] == "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]"
    assert "[1] 서울 안내 › 교통  (서울.md, 51–96자)" in lines  # one separator, the title not repeated


def test_ask_file(indexed: Path, runner: CliRunner, tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text(
        "서울의 지하철은 몇 개 노선인가?\n\n   \n제주 해녀는 무엇을 따나요?\n광장시장은 무엇으로 유명한가?", "utf-8"
    )
    got = answers(runner.invoke(main, ["ask", "--file", str(questions), "--json"]))
    assert [a.question for a in got] == [
        "서울의 지하철은 몇 개 노선인가?", "제주 해녀는 무엇을 따나요?", "광장시장은 무엇으로 유명한가?",
    ]  # fmt: skip
    assert [a.citations[0].chunk_id for a in got] == ["서울.md#1", "제주.txt#2", "서울.md#2"]


def test_ask_file_from_stdin(indexed: Path, runner: CliRunner) -> None:
    got = answers(runner.invoke(main, ["ask", "--file", "-", "--json"], input="서울 지하철\n제주 감귤\n"))
    assert [a.question for a in got] == ["서울 지하철", "제주 감귤"]


def test_ask_file_in_text_parts_the_answers(indexed: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["ask", "--file", "-"], input="서울 지하철\n\n제주 감귤\n")
    assert result.exit_code == 0, result.output
    parts = result.stdout.split("\n" + TURN_RULE + "\n")
    assert [part.splitlines()[0] for part in parts] == ["질문: 서울 지하철", "질문: 제주 감귤"]


def test_ask_without_a_question(indexed: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["ask"])
    assert result.exit_code == 2
    assert "QUESTION이나 --file F를 주세요." in result.stderr


def test_ask_empty_question(indexed: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["ask", "  "])
    assert result.exit_code == 2
    assert "오류: 질문이 비어 있습니다" in result.stderr
    assert result.stdout == ""


def test_ask_without_an_index(env: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["ask", "서울의 지하철은 몇 개 노선인가?"])
    assert result.exit_code == 5
    assert f"오류: {env}에 색인이 없습니다." in result.stderr
    assert f"assistant index 문서_폴더 --index {env}" in result.stderr
    assert result.stdout == ""


def test_ask_with_another_model(indexed: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MODEL", "other-model")
    result = runner.invoke(main, ["ask", "서울"])
    assert result.exit_code == 5
    assert "'fake-bigram'" in result.stderr and "'other-model'" in result.stderr
    assert "--rebuild" in result.stderr


def test_index_option_overrides_the_environment(
    indexed: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "elsewhere"))
    assert runner.invoke(main, ["ask", "서울"]).exit_code == 5  # the variable is used ...
    [answer] = answers(runner.invoke(main, ["ask", "서울 지하철", "--index", str(indexed), "--json"]))
    assert answer.citations  # ... and the option wins over it
    info = runner.invoke(main, ["info", "--index", str(indexed), "--json"])
    assert json.loads(info.stdout)["index_dir"] == str(indexed)


# ---------------------------------------------------------------------------
# chat


def test_chat_json_lines(indexed: Path, runner: CliRunner) -> None:
    got = answers(
        runner.invoke(main, ["chat", "--json"], input="서울의 지하철은 몇 개 노선인가?\n제주 해녀는 무엇을 따나요?\n")
    )
    assert [a.question for a in got] == ["서울의 지하철은 몇 개 노선인가?", "제주 해녀는 무엇을 따나요?"]
    assert [a.citations[0].chunk_id for a in got] == ["서울.md#1", "제주.txt#2"]


def test_chat_json_skips_blank_lines_and_takes_k(indexed: Path, runner: CliRunner) -> None:
    got = answers(runner.invoke(main, ["chat", "--json", "-k", "3"], input="\n서울 지하철\n\n제주 감귤\n"))
    assert [len(a.citations) for a in got] == [3, 3]


def test_chat_without_an_index(env: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["chat", "--json"], input="서울\n")
    assert result.exit_code == 5
    assert "assistant index" in result.stderr


# ---------------------------------------------------------------------------
# info


def test_info_lists_the_documents(indexed: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["info"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"모델: {FAKE_MODEL} (64차원), 벡터 색인: flat" in out
    assert "문서 2개, 구절 6개:" in out
    assert "  - 서울 안내  (서울.md, 구절 3개, " in out
    assert "  - 제주  (제주.txt, 구절 3개, " in out


def test_info_json(indexed: Path, runner: CliRunner, golden_corpus: Path) -> None:
    result = runner.invoke(main, ["info", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["index_dir"] == str(indexed)
    assert info["version"] == current_version(indexed).name  # type: ignore[union-attr]
    assert info["manifest"]["model"] == FAKE_MODEL
    assert info["manifest"]["corpus_dir"] == str(golden_corpus)
    assert [(d["doc_id"], d["title"], d["chunks"]) for d in info["documents"]] == [
        ("서울.md", "서울 안내", 3), ("제주.txt", "제주", 3),
    ]  # fmt: skip
    for d in info["documents"]:
        assert d["chars"] == len((golden_corpus / d["doc_id"]).read_text("utf-8"))


def test_info_without_an_index(env: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["info"])
    assert result.exit_code == 5
    assert "assistant index" in result.stderr


# ---------------------------------------------------------------------------
# help


@pytest.mark.parametrize(
    ("command", "options"),
    [
        (
            "index",
            [
                "--rebuild",
                "--chunk-size",
                "--chunk-overlap",
                "--vector-index",
                "--if-stale",
                "--json",
                "--index",
                "--model",
            ],
        ),
        ("ask", ["-k", "--file", "--mode", "--json", "--index", "--model", "예:"]),
        ("chat", ["-k", "--json", "--index", "--model"]),
        ("info", ["--json", "--index", "--model"]),
    ],
)
def test_command_help(runner: CliRunner, command: str, options: list[str]) -> None:
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"사용법: main {command} [옵션]")
    for option in options:
        assert option in result.stdout, option


def test_main_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("index", "ask", "chat", "info"):
        assert f"  {command} " in result.stdout
    assert "ASSISTANT_INDEX_DIR" in result.stdout


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command under ``group``, sub-groups included, with the words that reach it."""
    out: list[tuple[tuple[str, ...], click.Command]] = [(path, group)]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += _commands(command, (*path, name))
        else:
            out.append(((*path, name), command))
    return out


def has_hangul(text: str) -> bool:
    return re.search("[가-힣]", text) is not None


@pytest.mark.parametrize(
    ("words", "command"), _commands(main), ids=lambda x: " ".join(x) if isinstance(x, tuple) else ""
)
def test_help_is_korean(runner: CliRunner, words: tuple[str, ...], command: click.Command) -> None:
    """The help of every command: its description and every option's help are in Korean, and
    none of click's English words is left."""
    result = runner.invoke(main, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert has_hangul(command.help or ""), words
    with click.Context(command, info_name="main") as ctx:
        for param in command.get_params(ctx):
            if not isinstance(param, click.Option):
                continue  # arguments are named in the description
            record = param.get_help_record(ctx)
            if record is not None:
                assert has_hangul(record[1]), (words, record)
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "[default:", "Examples:"):
        assert english not in result.stdout, (words, english)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["ask"], "QUESTION이나 --file F를 주세요."),
        (["ask", "질문", "-k", "0"], "-k의 값이 잘못되었습니다: 0: 범위(1<=x<=50)를 벗어납니다."),
        (["ask", "질문", "--mode", "fast"], "--mode의 값이 잘못되었습니다: fast: 다음 중 하나를 고르세요"),
        (["ask", "질문", "--nope"], "--nope 옵션은 없습니다."),
        (["ask", "질문", "--jsn"], "--jsn 옵션은 없습니다. 비슷한 옵션: --json"),
        (["eval"], "인자 QUESTIONS가 없습니다."),
        (["nope"], "nope 명령은 없습니다."),
    ],
)
def test_usage_errors_are_korean(runner: CliRunner, args: list[str], words: str) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "사용법: main" in result.stderr
    assert "Error:" not in result.stderr and "Usage:" not in result.stderr


def test_no_command_shows_the_help(runner: CliRunner) -> None:
    result = runner.invoke(main, [])
    assert result.exit_code == 2
    assert result.stderr.startswith("사용법: main [옵션] 명령 [인자]...")
    assert "오류:" not in result.stderr and "빠른 시작:" in result.stderr


def test_an_error_without_a_korean_message_gets_the_one_of_its_kind() -> None:
    message, hint = korean_message(IndexBusyError("lock held by pid 12", hint="Wait for it."))
    assert (message, hint) == ("다른 프로세스가 색인을 만들고 있습니다.", None)
    message, hint = korean_message(ConfigError("ttl must be positive"))
    assert message == "설정 값이 잘못되었습니다."
    korean = CorpusError("문서 폴더 /x가 없습니다.", hint="경로를 확인하세요.")
    assert korean_message(korean) == ("문서 폴더 /x가 없습니다.", "경로를 확인하세요.")


def test_index_prints_one_summary_and_no_bars_off_a_terminal(env: Path, runner: CliRunner, golden_corpus: Path) -> None:
    result = runner.invoke(main, ["index", str(golden_corpus)])  # CliRunner's stderr is not a terminal
    assert result.exit_code == 0, result.output
    summaries = [line for line in result.output.splitlines() if "색인 완료" in line or "index ready" in line]
    assert len(summaries) == 1, result.output
    assert "%|" not in result.stderr and "\r" not in result.stderr  # no tqdm bar
    assert "문서 2개, 구절 6개" in result.stderr  # the progress lines stay, in Korean
    assert not re.search("[A-Za-z]{4,} [a-z]{3,}", result.output), result.output  # no English sentence


def test_missing_index_from_another_folder_is_named_absolute(
    env: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("ASSISTANT_INDEX_DIR")
    result = runner.invoke(main, ["ask", "서울의 지하철은?", "--local"])
    assert result.exit_code == 5
    assert f"오류: {elsewhere / 'index'}에 색인이 없습니다." in result.stderr
    assert f"assistant index 문서_폴더 --index {elsewhere / 'index'}" in result.stderr  # what to run
    result = runner.invoke(main, ["info", "--index", "../idx"])
    assert f"{tmp_path / 'idx'}에 색인이 없습니다." in result.stderr


def test_piped_chat_parts_its_turns(indexed: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["chat"], input="서울의 지하철은 몇 개 노선인가?\n제주는 어떤 섬인가?\n")
    assert result.exit_code == 0, result.output
    turns = result.stdout.split("\n" + TURN_RULE + "\n")
    assert len(turns) == 2, result.stdout
    assert turns[0].startswith("질문: 서울의 지하철은 몇 개 노선인가?\n")
    assert turns[1].startswith("질문: 제주는 어떤 섬인가?\n")


def test_info_speaks_of_passages(indexed: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["info"])
    assert result.exit_code == 0, result.output
    assert "문서 2개, 구절 6개:" in result.stdout
    assert "청크" not in result.stdout


def test_answer_places_use_one_separator(indexed: Path, runner: CliRunner) -> None:
    nested = Answer.model_validate(
        {
            **json.loads(runner.invoke(main, ["ask", "서울의 지하철은 몇 개 노선인가?", "--json"]).stdout),
        }
    )
    shown = render(
        nested.model_copy(
            update={"citations": [c.model_copy(update={"section": "교통 > 지하철"}) for c in nested.citations]}
        )
    )
    assert "교통 › 지하철" in shown
    assert " > " not in shown


def test_a_caution_is_shown_before_the_summary(indexed: Path, runner: CliRunner) -> None:
    plain = Answer.model_validate(
        json.loads(runner.invoke(main, ["ask", "서울의 지하철은 몇 개 노선인가?", "--json"]).stdout)
    )
    said = click.unstyle(render(plain.model_copy(update={"caution": "문서가 이 질문에 직접 답하지 않을 수 있습니다."})))
    assert said.index("주의: 문서가 이 질문에 직접 답하지 않을 수 있습니다.") < said.index(plain.summary)
    assert "주의:" not in click.unstyle(render(plain.model_copy(update={"caution": None})))


class LoadingModel:
    def __init__(self) -> None:
        self.started = 0

    def start_loading(self) -> None:
        self.started += 1


@pytest.mark.parametrize("case", ["embedded model", "no index", "other model", "cannot load"])
def test_one_question_starts_the_embedded_model_before_the_rest(
    indexed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """`assistant ask "…"` starts loading the embedded model at once (it loads without the GIL
    while the rest is imported); not for another model, without an index, or when it fails."""
    import assistant

    model, built = LoadingModel(), []

    def load_embedder(settings: Settings) -> LoadingModel:
        built.append(settings.model)
        if case == "cannot load":
            raise ModelError("모델을 불러올 수 없습니다.")
        return model

    monkeypatch.setattr(assistant, "load_embedder", load_embedder, raising=False)
    settings = Settings(
        index_dir=tmp_path / "none" if case == "no index" else indexed,
        model="other" if case == "other model" else EMBEDDED_MODEL,
    )
    got = _model_loading(settings)
    if case == "embedded model":
        assert got is model and model.started == 1
    else:
        assert got is None and model.started == 0
        assert built == (["embedded-e5-small"] if case == "cannot load" else [])
