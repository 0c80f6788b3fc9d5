"""Write docs/benchmarks.md from the results of the benchmarks.

    python -m bench.korquad && python -m bench.korquad --no-titles \\
        --out bench/results/korquad-notitles.json && python -m bench.speed && python -m bench.report
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from typing import Any

from assistant.search.abstain import DEFAULT_RULE
from assistant.settings import Settings
from bench.common import ROOT

RESULTS = ROOT / "bench" / "results"
ROWS = [
    ("bm25-morphemes", "BM25 over Kiwi morphemes"),
    ("bm25-bigrams", "BM25 over character bigrams"),
    ("bm25", "BM25, both fields fused (`--mode bm25`)"),
    ("dense", "dense e5-small (`--mode dense`)"),
    ("hybrid-rrf", "hybrid, reciprocal rank fusion k=60 (`ASSISTANT_FUSION=rrf`)"),
    ("hybrid-weighted-2way", "hybrid, 0.5 dense + 0.5 morpheme BM25 (the usual two-way fusion)"),
    ("hybrid-no-phrases", "hybrid: 0.5 dense + 0.125 morpheme BM25 + 0.375 bigram BM25"),
    ("hybrid", "**hybrid, default**: the same, the passages shown ordered by the question's phrases too"),
]


def load(name: str) -> dict[str, Any] | None:
    path = RESULTS / name
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def quality_table(data: dict[str, Any]) -> list[str]:
    lines = ["| system | R@1 | R@5 | R@10 | MRR@10 |", "|---|---|---|---|---|"]
    for key, label in ROWS:
        r = data["results"].get(key)
        if r:
            lines.append(f"| {label} | {r['R@1']:.3f} | {r['R@5']:.3f} | {r['R@10']:.3f} | {r['MRR@10']:.3f} |")
    return lines


#: The latency sets of ``bench.speed``, as the report names them.
SPEED_SETS = (("default corpus", "corpus"), ("KorQuAD dev", "korquad"))


def speed_section(s: dict[str, Any]) -> list[str]:
    c, lines = s["corpus"], []
    ratio = c["answer"]["p50_ms"] / c["embed_only"]["p50_ms"]
    lines += [
        f"- Loading the model: {s['model_load_s']:.1f} s; Kiwi: {s['kiwi_load_s']:.1f} s (once per process).",
        f"- Indexing the default corpus from scratch, model loaded: {s['index_build_s']:.2f} s "
        f"({c['chunks']} chunks); again with nothing changed: {s['index_unchanged_s']:.2f} s.",
        "",
        "| index | chunks | answer p50 | answer p95 | question embedding alone p50 | ratio p50 |",
        "|---|---|---|---|---|---|",
        f"| default corpus | {c['chunks']} | {c['answer']['p50_ms']:.1f} ms | {c['answer']['p95_ms']:.1f} ms | "
        f"{c['embed_only']['p50_ms']:.1f} ms | {ratio:.2f}× |",
    ]
    if "korquad" in s:
        k = s["korquad"]
        kr = k["answer"]["p50_ms"] / k["embed_only"]["p50_ms"]
        lines.append(
            f"| KorQuAD dev | {k['chunks']} | {k['answer']['p50_ms']:.1f} ms | {k['answer']['p95_ms']:.1f} ms | "
            f"{k['embed_only']['p50_ms']:.1f} ms | {kr:.2f}× |"
        )
    lines += per_set_line(
        s,
        "stages",
        "Where an answer's time goes, p50 of each stage as the engine times it (`Answer.timings`): ",
        lambda name, x: (
            f"{name}: embedding the question {x['embed_ms']:.2f} ms, BM25 scoring {x['lexical_ms']:.2f} ms, "
            f"fusion and ranking {x['rank_ms']:.2f} ms, the summary {x['summary_ms']:.2f} ms, follow-up "
            f"suggestions {x['guide_ms']:.2f} ms, the rest (Kiwi on the question, coverage and abstention "
            f"signals, the answer's fields) {x['other_ms']:.2f} ms"
        ),
    )
    lines += per_set_line(
        s,
        "sentences",
        "Answers that embed candidate sentences to choose their lead (`closest`): ",
        lambda name, x: (
            f"{name} {x['share']:.0%} of them, p50 {x['p50_with_ms']:.1f} ms against "
            f"{x['p50_without_ms']:.1f} ms for the others"
        ),
    )
    lines += [
        "",
        f"- Peak resident memory of that process: {s['peak_rss_mb']:.0f} MB "
        f"({s['rss_after_load_mb']:.0f} MB right after loading the model and Kiwi).",
    ]
    if "fresh_ask" in s:
        lines.append(fresh_ask_line(s["fresh_ask"]))
    return lines


def per_set_line(s: dict[str, Any], field: str, opening: str, each: Callable[[str, dict[str, Any]], str]) -> list[str]:
    """A paragraph saying ``field`` of every latency set of ``bench.speed`` that has it (none without)."""
    found = [(name, s[key][field]) for name, key in SPEED_SETS if field in s.get(key, {})]
    return ["", "- " + opening + "; ".join(each(name, x) for name, x in found) + "."] if found else []


FRESH_ASK_LINE = "- A fresh `assistant ask"


def fresh_ask_line(f: dict[str, Any]) -> str:
    return (
        f'{FRESH_ASK_LINE} "질문" --local` (a new process that loads everything, then answers): '
        f"median {f['median_answer_s']:.2f} s to the printed answer over {len(f['runs'])} corpus questions, "
        f"one process each (slowest {f['max_answer_s']:.2f} s; {f['median_exit_s']:.2f} s to the end of the "
        "process). Kiwi starts without its multi-word dictionary unless the question may hold one of its "
        "entries."
    )


def with_fresh_ask(section: list[str], speed: dict[str, Any] | None) -> list[str]:
    """The published speed section with the fresh `assistant ask` line of ``speed`` in place of its own."""
    if not speed or "fresh_ask" not in speed or not section:
        return section
    kept = [line for line in section if not line.startswith(FRESH_ASK_LINE)]
    return [*kept, fresh_ask_line(speed["fresh_ask"])]


def load_section(r: dict[str, Any]) -> list[str]:
    """The load benchmark: throughput, latency percentiles and errors, overall and per endpoint."""
    names = {"ask": "`POST /api/ask`", "chat": "`POST /api/chat`", "stream": "`POST /api/chat/stream` (to the end)"}
    lines = [
        f"{r['clients']} concurrent clients for {r['duration_s']:.0f} s against `assistant serve` on loopback "
        f"(real model, default corpus; {r['machine']}). Each client sends its next request as soon as the "
        "previous one is answered, cycling through the three answering endpoints; chat turns come in "
        "three-turn conversations.",
        "",
        "| requests | errors | throughput | p50 | p95 | p99 | max |",
        "|---|---|---|---|---|---|---|",
        f"| {r['requests']:,} | {r['errors']} | {r['throughput_rps']:.1f} req/s | {r['p50_ms']:.0f} ms | "
        f"{r['p95_ms']:.0f} ms | {r['p99_ms']:.0f} ms | {r['max_ms']:.0f} ms |",
        "",
        "| endpoint | requests | errors | p50 | p95 |",
        "|---|---|---|---|---|",
    ]
    for key, label in names.items():
        e = r["by_endpoint"][key]
        lines.append(f"| {label} | {e['requests']:,} | {e['errors']} | {e['p50_ms']:.0f} ms | {e['p95_ms']:.0f} ms |")
    first, whole = r["stream_first_event_ms"], r["stream_complete_ms"]
    lines += [
        "",
        f"- Streaming: the first event (the citations) arrives after {first['p50']:.0f} ms at the median "
        f"({first['p95']:.0f} ms p95); the whole stream after {whole['p50']:.0f} ms ({whole['p95']:.0f} ms p95).",
    ]
    busy = r.get("load_average_1min")
    if busy:
        lines.append(
            f"- The machine's 1-minute load average was {busy['before']:.1f} before the run and "
            f"{busy['after']:.1f} after it (the benchmark's own server and clients included)"
            + (
                "; other work was using the same CPUs, so these figures are pessimistic."
                if busy["before"] >= 1
                else "."
            )
        )
    rebuild = r.get("reindex")
    if rebuild:
        outcome = (
            f"finished in {rebuild['seconds']:.1f} s ({rebuild['chunks']} chunks)"
            if rebuild["state"] == "done"
            else f"was still {rebuild['state']} at the end"
        )
        lines.append(
            f"- A full rebuild of the index (`POST /api/reindex`, `rebuild: true`) started after "
            f"{rebuild['started_after_s']:.0f} s and {outcome}; answers kept coming from the old index meanwhile."
        )
    return lines


def rebuild_section(r: dict[str, Any]) -> list[str]:
    """The rebuild stress benchmark: answers checked while rebuilds switch index versions."""
    return [
        f"{r['clients']} clients ask and converse without pause against `assistant serve` (real model, a copy of "
        f"the default corpus; {r['machine']}) while {r['rebuilds']} rebuilds through `POST /api/reindex` "
        "each add or remove a document whose name sorts first, so that every chunk row shifts. An answer is "
        "broken when a sentence its summary used does not slice back out of its cited passage at its span.",
        "",
        "| rebuilds (done) | answers | broken answers | errors | time |",
        "|---|---|---|---|---|",
        f"| {r['rebuilds']} ({r['rebuilds_done']}) | {r['answers']:,} | {r['broken_answers']} | {r['errors']} | "
        f"{r['duration_s']:.0f} s |",
    ]


def conversation_section(r: dict[str, Any]) -> list[str]:
    """Hit@3 of follow-up turns with and without resolution, by kind, and the time it adds."""
    h = r["hit@3"]
    lines = [
        f"{r['conversations']} conversations of 2–4 turns over `corpus/` (`bench/data/conversations.jsonl`),",
        f"{r['followup_turns']} follow-up turns, each with the passage that answers it (document, and a",
        "section or a phrase of the passage). *With* resolution, each conversation is played through",
        "`Conversation.chat` in a new session; *without*, every message is asked alone. A turn hits when",
        "one of the first 3 cited passages is the expected one. The follow-up turns include questions",
        "that must stand alone (a new topic): they are searched as typed in both columns.",
        "",
        "| follow-up turns | n | hit@3 with resolution | hit@3 without (each message alone) |",
        "|---|---|---|---|",
        f"| **all** | {r['followup_turns']} | **{h['with']:.3f}** | {h['without']:.3f} |",
    ]
    for kind, k in r["by_kind"].items():
        lines.append(f"| {kind} | {k['n']:.0f} | {k['with']:.3f} | {k['without']:.3f} |")
    misses = [t for t in r.get("turns", []) if t["turn"] > 1 and not t["hit_with"]]
    lines += [
        "",
        f"First turns: hit@3 {r['first_turn_hit@3']:.3f}. The kind of follow-up was recognised as written "
        f"for {r['kind_accuracy']:.0%} of the follow-up turns.",
    ]
    if misses:
        lines += ["", "Misses with resolution:", ""]
        lines += [f"- {t['conversation']}.{t['turn']} “{t['message']}” searched as “{t['query']}”" for t in misses]
    lines += [
        "",
        "Read these figures as a regression check rather than a general accuracy: the set is small, was",
        "written alongside the resolver, and covers two essays (20 passages). An ordinal turn expects the",
        "passage of the item that the first answer lists at that place, so it follows the summarizer. For",
        '"more" (더 자세히, 다른 예는?), the passages mostly stay and what changes is the summary: it',
        "leaves out the sentences already shown (checked by the tests). Without resolution, messages such",
        'as "그건 왜 그런가요?" or "더 자세히" have nothing to search and the assistant abstains.',
    ]
    m, res, over, lng = r["machine"], r["resolve"], r["overhead"], r["long_session"]
    load_avg = m["load_average"]
    lines += [
        "",
        f"Time per follow-up turn ({res['n']:.0f} turns; {m['cpus']} CPUs, load average {load_avg[0]:.1f} before and "
        f"{load_avg[1]:.1f} after the run, other work included):",
        "",
        "| | p50 | p95 |",
        "|---|---|---|",
        f"| resolution: recent turns read, Kiwi, resolve | {res['p50_ms']:.2f} ms | {res['p95_ms']:.2f} ms |",
        f"| all a turn adds to `Engine.ask` (resolution, storing the turn) | {over['p50_ms']:.2f} ms "
        f"| {over['p95_ms']:.2f} ms |",
        f"| resolution in a session of {lng['turns']:.0f} turns | {lng['p50_ms']:.2f} ms | {lng['p95_ms']:.2f} ms |",
    ]
    return lines


ANSWER_VARIANTS = [
    ("first", "**the summary's first sentence**"),
    ("summary", "anywhere in the summary"),
    ("cited", "in a cited passage (what retrieval allowed)"),
    ("top-first", "rule: the top passage's first sentence"),
    ("top-overlap", "rule: the top passage's sentence sharing the most content morphemes with the question"),
]


def _phrase_scores(overall: dict[str, Any], end: str) -> list[str]:
    """The lines saying how a set judged by its answer phrases did (``end`` closes the last)."""
    return [
        f"an answer phrase is in the first summary sentence for {overall['first']:.3f} of them, in the summary",
        f"for {overall['summary']:.3f}, in a cited passage for {overall['cited']:.3f}; abstained {overall['abstained']:.3f}{end}",
    ]


def answers_section(r: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    """Does the first sentence a person reads hold the answer? KorQuAD and the follow-up set."""
    lines: list[str] = []
    if "korquad" in r:
        k, prev = r["korquad"], (before or {}).get("korquad")
        o = k["overall"]
        lines += [
            f"KorQuAD 1.0 dev, all {k['questions']:,} questions over the 961 paragraphs: the share whose gold answer",
            "text is in …",
            "",
            "| | this summarizer |" + (" the summarizer before |" if prev else ""),
            "|---|---|" + ("---|" if prev else ""),
        ]
        for key, label in ANSWER_VARIANTS:
            old = f" {prev['overall'][key]:.3f} |" if prev and key in prev["overall"] else (" |" if prev else "")
            lines.append(f"| {label} | {o[key]:.3f} |{old}")
        chars = f" {prev['overall']['median_chars']:.0f} |" if prev else ""
        lines.append(f"| median summary length (characters) | {o['median_chars']:.0f} |{chars}")
        abst = f" {prev['overall']['abstained']:.3f} |" if prev else ""
        lines.append(f"| abstained | {o['abstained']:.3f} |{abst}")
        lines += [
            "",
            "By question form (this summarizer):",
            "",
            "| form | n | first | summary | cited |",
            "|---|---|---|---|---|",
        ]
        for form, f in k["by_form"].items():
            lines.append(f"| {form} | {f['n']} | {f['first']:.3f} | {f['summary']:.3f} | {f['cited']:.3f} |")
    for name, title in (
        ("help", "The LibreOffice Korean help"),
        ("gnome", "The GNOME desktop user guide in Korean"),
        ("faq", "The Debian FAQ in Korean"),
        ("law", "The Constitution of Korea and ten bills"),
    ):
        if name not in r:
            continue
        h = r[name]["overall"]
        lines += [
            "",
            f"{title}, {r[name]['questions']} questions in users' words that one sentence of",
            f"their page answers (`bench/data/{name}/questions.jsonl`): the share whose answering sentence is in …",
            "",
            "| | this summarizer |",
            "|---|---|",
        ]
        lines += [f"| {label} | {h[key]:.3f} |" for key, label in ANSWER_VARIANTS if key in h]
        lines += [
            f"| median summary length (characters) | {h['median_chars']:.0f} |",
            f"| abstained | {h['abstained']:.3f} |",
        ]
    e = (r.get("english") or {}).get("overall")
    if e:
        lines += [
            "",
            f"{e['n']} questions in English about the essays (`bench/data/essay_questions_en.jsonl`; none of their",
            "words is in the documents, the multilingual e5 finds the passages):",
            *_phrase_scores(e, "."),
        ]
    w = (r.get("workplace") or {}).get("overall")
    if w:
        rules = f" (rules on the top passage: its first sentence {w['top-first']:.3f}, its sentence sharing the most"
        lines += [
            "",
            f"{w['n']} workplace questions (`bench/data/workplace`: a regulation in articles, a wiki page, a report in",
            "short lines and a table of plans in one folder; written alongside the readers of those kinds, so not",
            "blind to them):",
            *_phrase_scores(w, rules),
            f"morphemes {w['top-overlap']:.3f}).",
        ]
    f = r["followups"]
    pf = (before or {}).get("followups")
    was = f" (the summarizer before: {pf['first']:.3f} / {pf['summary']:.3f})" if pf else ""
    lines += [
        "",
        f"Follow-up set: {f['conversations']} conversations over `corpus/` (`bench/data/conversations.jsonl`),",
        f"{f['n']} turns, each with the phrases its answer must contain. The phrase is in the first summary",
        f"sentence for **{f['first']:.3f}** of the turns and in the summary for **{f['summary']:.3f}**{was};",
        f"in a cited passage for {f['cited']:.3f}.",
        "",
        "| turn kind | n | first | summary |",
        "|---|---|---|---|",
    ]
    lines += [f"| {kind} | {g['n']} | {g['first']:.3f} | {g['summary']:.3f} |" for kind, g in f["by_kind"].items()]
    h = r.get("help_followups")
    if h:
        lines += [
            "",
            f"Follow-ups in users' words over the help pages: {h['conversations']} conversations",
            f"(`bench/data/help/conversations.jsonl`, written apart from the resolver), {h['n']} turns. The phrase is in",
            f"the first summary sentence for **{h['first']:.3f}** of the turns and in the summary for",
            f"**{h['summary']:.3f}**; in a cited passage for {h['cited']:.3f}. A follow-up inherits its first turn's",
            "retrieval: where that turn's answer is off, the follow-up is too.",
            "",
            "| turn kind | n | first | summary |",
            "|---|---|---|---|",
        ]
        lines += [f"| {kind} | {g['n']} | {g['first']:.3f} | {g['summary']:.3f} |" for kind, g in h["by_kind"].items()]
    return lines


RETRIEVAL_SYSTEMS = [
    ("bm25", "BM25 alone (both lexical fields)"),
    ("dense", "dense alone"),
    ("fusion-0.5", "plain fusion: min-max, 0.5 dense + 0.5 morpheme BM25"),
    ("rrf", "reciprocal rank fusion"),
    ("default, no phrases", "default without the phrase order (`ASSISTANT_PHRASE_WEIGHT=0`)"),
    ("default", "**default**"),
]


def retrieval_section(r: dict[str, Any]) -> list[str]:
    """Every system on every collection, then the leave-one-collection-out choice of the fusion."""
    weight = Settings.model_fields["paraphrase_weight"].default
    lines: list[str] = [
        "The first four systems are the ingredients, searching the question's own words; the default also",
        f"searches, at weight {weight:g} in both BM25 fields, the formal words documents write for its everyday",
        "ones (넣다 → 삽입, 지우다 → 삭제: `assistant/text/paraphrase.py`, `ASSISTANT_PARAPHRASE_WEIGHT`).",
        "",
    ]
    for name, rows in r["collections"].items():
        first = next(iter(rows.values()))
        lines += [
            f"**{name}** ({first['answerable']} answerable questions, {first['unanswerable']} it does not answer):",
            "",
            "| system | R@1 | R@5 | R@10 | MRR@10 | false abstention | off-topic caught |",
            "|---|---|---|---|---|---|---|",
        ]
        for key, label in RETRIEVAL_SYSTEMS:
            m = rows.get(key)
            if m:
                lines.append(
                    f"| {label} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['R@10']:.3f} | {m['MRR@10']:.3f} | "
                    f"{m['false_abstention']:.3f} | {m['caught_offtopic']:.3f} |"
                )
        cuts = rows.get("default", {}).get("thresholds")
        if cuts:
            lines += [
                "",
                "The default's abstention at other thresholds on p(answerable) (the shipped one is "
                f"{DEFAULT_RULE.threshold:g}): false abstention / off-topic caught — "
                + "; ".join(f"{t}: {c['false_abstention']:.3f} / {c['caught_offtopic']:.3f}" for t, c in cuts.items())
                + ".",
            ]
        lines.append("")
    loo = r.get("leave_one_out")
    if loo:
        lines += [
            "Fusion weights chosen by leaving one collection out: for each collection, the fusion and weights",
            "with the best mean MRR@10 on the *other* collections, and what they give on this one.",
            "",
            "| held out | chosen on the others | R@1 | R@5 | MRR@10 |",
            "|---|---|---|---|---|",
        ]
        for name, row in loo.items():
            if name == "all":
                continue
            w, m = row["weights"], row["held_out"]
            chosen = f"{w['fusion']} {w['dense']:g} / {w['morph']:g} / {w['bigram']:g}"
            lines.append(f"| {name} | {chosen} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['MRR@10']:.3f} |")
        w, scores = loo["all"]["weights"], loo["all"]["scores"]
        shipped = Settings.model_fields
        mine = {k: shipped[f"{k}_weight"].default for k in ("dense", "morph", "bigram")}
        best = f"{w['fusion']} fusion, dense {w['dense']:g}, morpheme BM25 {w['morph']:g}, bigram BM25 {w['bigram']:g}"
        if all(abs(w[k] - v) < 1e-9 for k, v in mine.items()) and w["fusion"] == shipped["fusion"].default:
            lines += ["", f"Chosen on all collections (the default): {best}."]
        else:
            default_rows = {name: rows["default"] for name, rows in r["collections"].items() if "default" in rows}
            mean_best = statistics.mean(s["MRR@10"] for s in scores.values())
            mean_default = statistics.mean(d["MRR@10"] for n, d in default_rows.items() if n in scores)
            lines += [
                "",
                f"Best mean MRR@10 on all collections: {best} (mean MRR@10 {mean_best:.4f}; per collection "
                + ", ".join(f"{n} {s['MRR@10']:.3f}" for n, s in scores.items())
                + f"). The default is dense {mine['dense']:g}, morpheme BM25 {mine['morph']:g}, bigram BM25 "
                f"{mine['bigram']:g} (mean MRR@10 {mean_default:.4f}; per collection "
                + ", ".join(f"{n} {d['MRR@10']:.3f}" for n, d in default_rows.items())
                + ").",
            ]
    return lines


def bm25_section(r: dict[str, Any]) -> list[str]:
    """Leave-one-collection-out choice of BM25's k1 and b, against the shipped ones."""
    ship = r["shipped"]
    free, fixed = r["leave_one_out"], r["leave_one_out_shipped_bm25"]
    names = [n for n in free if n != "all"]
    lines = [
        f"BM25's k1 and b (shipped: k1 {ship['k1']:g}, b {ship['b']:g}, chosen on KorQuAD dev) swept over",
        "k1 "
        + ", ".join(sorted({k.split()[0][3:] for k in r["default_weights"]}, key=float))
        + " and b "
        + ", ".join(sorted({k.split()[1][2:] for k in r["default_weights"]}, key=float))
        + " (both fields alike, refitted from each index's own counts), each",
        "with every fusion weight of `bench.retrieval`'s grid. For each held-out collection, the settings",
        "with the best mean MRR@10 on the *other* collections: with k1 and b open to the choice, and with",
        "the shipped k1 and b (only the fusion weights chosen).",
        "",
        "| held out | k1, b and weights chosen on the others | R@1 | R@5 | MRR@10 | shipped k1, b: R@1 | R@5 | MRR@10 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        s, m, f = free[name]["settings"], free[name]["held_out"], fixed[name]["held_out"]
        chosen = f"k1 {s['k1']:g}, b {s['b']:g}; {s['dense']:g} / {s['morph']:g} / {s['bigram']:g}"
        lines.append(
            f"| {name} | {chosen} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['MRR@10']:.3f} | "
            f"{f['R@1']:.3f} | {f['R@5']:.3f} | {f['MRR@10']:.3f} |"
        )
    best = {name: max(r["default_weights"].items(), key=lambda kv, n=name: kv[1][n]["MRR@10"])[0] for name in names}
    gain = statistics.mean(free[n]["held_out"]["MRR@10"] - fixed[n]["held_out"]["MRR@10"] for n in names)
    verdict = (
        "k1 and b chosen on the other collections do better on the held-out one than the shipped ones"
        if gain > 0
        else "k1 and b chosen on the other collections do worse on the held-out one than the shipped ones, "
        "so the shipped k1 and b stay"
    )
    lines += [
        "",
        f"Mean held-out MRR@10 change from choosing k1 and b: {gain:+.4f}: {verdict}. With the default fusion "
        "weights, each collection's best (MRR@10): "
        + ", ".join(f"{n} {best[n].replace('=', ' ')}" for n in names)
        + ".",
    ]
    return lines


def weights_section(r: dict[str, Any]) -> list[str]:
    """Leave-one-collection-out scores of the sentence weights."""
    lines = [
        "The share of questions whose highest-scoring candidate sentence holds the answer, per collection:",
        "with the shipped weights (`DEFAULT_WEIGHTS` when the run was made), and with weights fitted",
        "on the *other* collections only.",
        "",
        "| collection | questions | answer among the candidates | shipped weights | fitted on the others |",
        "|---|---|---|---|---|",
    ]
    for name, c in r["collections"].items():
        lines.append(
            f"| {name} | {c['questions']} | {c['answer_in_candidates']:.3f} | {c['lead_default']:.3f} | "
            f"**{c['lead_held_out']:.3f}** |"
        )
    fitted = ", ".join(f"{k} {v:.3g}" for k, v in r["weights"].items())
    on_all = ", ".join(f"{k} {v:.3f}" for k, v in r.get("lead_all", {}).items())
    lines += [
        "",
        f"Fitted on all collections: {fitted}" + (f" (lead {on_all})." if on_all else "."),
        "A fitted weight replaces a shipped one only when no collection loses by it, the follow-up",
        "sets of `bench.answers` included (the fit does not see them); the shipped weights are in",
        "`assistant/answer/summarize.py`.",
    ]
    return lines


def previous_section(key: str) -> list[str]:
    """The section of the current docs/benchmarks.md whose "## " heading contains ``key``, kept as it
    is when its results are not at hand (``bench/results/`` is not in git: a benchmark not re-run on
    this machine keeps its last published figures)."""
    path = ROOT / "docs" / "benchmarks.md"
    if not path.exists():
        return []
    lines = path.read_text("utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("## ") and key in line), None)
    if start is None:
        return []
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    body = lines[start:end]
    while body and not body[-1].strip():
        body.pop()
    return ["", *body]


def main() -> None:
    out = [
        "# Benchmarks",
        "",
        "Measured on the project's machine kind (2 CPU cores, no GPU). Re-run everything with:",
        "",
        "```sh",
        ".venv/bin/python -m bench.korquad",
        ".venv/bin/python -m bench.korquad --no-titles --out bench/results/korquad-notitles.json",
        ".venv/bin/python -m bench.speed",
        ".venv/bin/python -m bench.backends    # and --tune for the ONNX batch/thread sweep",
        ".venv/bin/python -m bench.load        # 8 clients, 60 s against assistant serve",
        ".venv/bin/python -m bench.rebuild_stress  # 4 clients asking while 53 rebuilds switch versions",
        ".venv/bin/python -m bench.conversation  # follow-up questions, with and without resolution",
        ".venv/bin/python -m bench.answers     # what a person reads first, every collection (--out F keeps a run)",
        ".venv/bin/python -m bench.compare BEFORE.json AFTER.json  # two runs of bench.answers (or of bench.retrieval), question by question",
        ".venv/bin/python -m bench.bm25_params   # BM25's k1 and b, leave one collection out",
        ".venv/bin/python -m bench.scale       # movie documents + KorQuAD: build, serve, recall at scale",
        ".venv/bin/python -m bench.plots       # docs/recall_at_k.png, docs/latency_vs_size.png",
        ".venv/bin/python -m bench.report      # writes this file",
        "```",
        "",
        "KorQuAD needs `../shared/data/korquad-v1/` (never copied into the repository); without it the",
        "scripts say so and stop.",
    ]
    korquad_section: list[str] = [
        "",
        "## Retrieval quality: KorQuAD 1.0 dev",
        "",
        "Question → the paragraph it was written from, over the 961 distinct paragraphs, all 5,774",
        "questions. Each paragraph is indexed as a document with the product's own chunking (500/100",
        "characters), embedding and BM25; a paragraph counts once however many of its chunks rank.",
    ]
    titled = load("korquad.json")
    if titled:
        korquad_section += [
            "",
            f"### Paragraphs with their article title ({titled['chunks']} chunks)",
            "",
            "As the product indexes any document: the title (and section) is part of the text that is",
            "embedded and searched.",
            "",
            *quality_table(titled),
        ]
        if titled.get("embedded_chunks"):
            rate = titled["embedded_chunks"] / titled["index_build_seconds"]
            korquad_section += [
                "",
                f"Building this index from scratch (`python -m bench.korquad --rebuild`, model loaded): "
                f"{titled['index_build_seconds']:.0f} s for {titled['embedded_chunks']} chunks "
                f"({rate:.1f} chunks/s, nearly all of it in the embedding model).",
            ]
    plain = load("korquad-notitles.json")
    if plain:
        korquad_section += [
            "",
            f"### Paragraphs alone, no title ({plain['chunks']} chunks)",
            "",
            "The protocol of the outside baselines in `../shared/BASELINES.md` (best simple system there:",
            "R@1 0.908, MRR@10 0.944).",
            "",
            *quality_table(plain),
        ]
    korquad_section += [
        "",
        "How the default was chosen: three signals (e5 cosine, BM25 over Kiwi morphemes, BM25 over",
        "character bigrams), each min-max scaled over the candidates and summed with weights. The two",
        "BM25 fields fail on different questions (Kiwi splits rare names and loanwords unevenly; bigrams",
        "miss inflected forms), so together they beat either. Fusion weights were swept on this",
        "data set with the titled index (`--weights`); the BM25 parameters k1 0.9, b 0.4 were chosen on it too,",
        "and hold across the other collections (`python -m bench.bm25_params`, below). Reciprocal rank fusion",
        "throws the scores away and stays below the score-level fusion, as in the baselines.",
    ]
    # without the KorQuAD results at hand, the section as published
    out += korquad_section if titled or plain else previous_section("Retrieval quality: KorQuAD")
    speed = load("speed.json")
    if speed and "corpus" in speed:
        out += ["", "## Speed and memory (`python -m bench.speed`)", "", *speed_section(speed)]
    else:  # not run, or only its fresh `assistant ask` runs (--fresh-only): the rest as published
        out += with_fresh_ask(previous_section("bench.speed"), speed)
    backends = load("backends.json")
    if backends:
        from bench.backends import report_section

        out += ["", "## Embedding backends (`python -m bench.backends`)", "", *report_section(backends)]
    else:
        out += previous_section("bench.backends")
    load_result = load("load.json")
    if load_result:
        out += [
            "",
            "## Load: the HTTP API under concurrent clients (`python -m bench.load`)",
            "",
            *load_section(load_result),
        ]
    else:
        out += previous_section("bench.load")
    rebuilds = load("rebuild_stress.json")
    if rebuilds:
        out += [
            "",
            "## Answers during rebuilds (`python -m bench.rebuild_stress`)",
            "",
            *rebuild_section(rebuilds),
        ]
    else:
        out += previous_section("bench.rebuild_stress")
    conversation = load("conversation.json")
    if conversation:
        out += [
            "",
            "## Conversation: follow-up questions (`python -m bench.conversation`)",
            "",
            *conversation_section(conversation),
        ]
    else:
        out += previous_section("bench.conversation")
    retrieval = load("retrieval.json")
    if retrieval:
        out += [
            "",
            "## Retrieval across collections (`python -m bench.retrieval`)",
            "",
            *retrieval_section(retrieval),
        ]
    else:
        out += previous_section("bench.retrieval")
    bm25 = load("bm25-params.json")
    if bm25:
        out += ["", "## BM25 parameters across collections (`python -m bench.bm25_params`)", "", *bm25_section(bm25)]
    else:
        out += previous_section("bench.bm25_params")
    answers = load("answers.json")
    if answers:
        out += [
            "",
            "## Answers: is the answer in the first sentence? (`python -m bench.answers`)",
            "",
            *answers_section(answers, load("answers-before.json")),
        ]
    else:
        out += previous_section("bench.answers")
    weights = load("answer-weights.json")
    if weights:
        out += [
            "",
            "### How the sentence weights were chosen (`python -m bench.tune_answers`)",
            "",
            *weights_section(weights),
        ]
    scale = load("scale.json")
    if scale and "recall" in scale and "serve" in scale:
        from bench.scale_report import report_section as scale_section

        out += [
            "",
            f"## Scale: {scale['build']['chunks'] / scale['recall_korquad_only']['chunks']:.0f}× the KorQuAD "
            "index, with distractors (`python -m bench.scale`)",
            "",
            *scale_section(scale),
        ]
    else:
        out += previous_section("bench.scale")
    out += [
        "",
        "## Abstention",
        "",
        "See [abstention.md](abstention.md) (`python -m bench.calibrate_abstention`).",
    ]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(out) + "\n", "utf-8")
    print("\n".join(out))


if __name__ == "__main__":
    main()
