"""When to say "the documents do not answer this" instead of answering.

The rule reads signals that mean the same on any index, not one collection's habits:

- ``cosine``: the e5 cosine of the best passage;
- ``lift``: that cosine above the index's own off-topic baseline (``store.baseline``: how close
  everyday questions it cannot answer come to its passages), which means the same on a large
  encyclopedia and on a small manual;
- ``margin``: how far the best passage stands out from the others retrieved (a question the
  documents answer usually has one passage clearly ahead; an off-topic one matches many weakly);
- ``coverage``: the idf-weighted share of the question's topic terms found in the top passages
  (rare words count more, so a large encyclopedia's common words do not vouch for a question; a
  term found only as the word documents write for it, 서식 for 템플릿, counts the paraphrase weight);
- ``cross_script``: the question is written in another script than Korean (an English question
  about Korean documents): its words cannot be found lexically, so coverage says nothing and the
  dense signals decide;
- ``unwritten``: how many of the question's topic words no document writes at all (up to
  :data:`UNWRITTEN_CAP`): a question about another program ("팀즈 회의에서 화면 공유가 안 돼요" asked of
  an office suite's help) shares the words of what the documents do cover, and only the name they
  never write tells it apart. Coverage already counts such a word as missing, at a typical word's
  weight (it may be the asker's own word for what the documents say otherwise: 노트북 for 랩톱);
  this signal lets the fit weigh how often that is so;
- ``unwritten_names``: the same count for the words the analyzer reads as names (proper nouns, words
  in Latin letters or Hanja: 카카오톡, 아웃룩, XLOOKUP), which ``unwritten`` then leaves out. A
  name no document writes is what the question is about; an everyday word no document writes is
  more often the asker's own word for what the documents say otherwise ("헌법상 우리 땅은 어디까지야?"
  of a constitution that writes 영토, "삼촌이 사고를 쳤는데 나까지 불이익 받아?"): the two weigh
  differently (fitted on the constitution and bills as on the manuals, leave one collection out);
- ``disagreement``: how far the two searches disagree on the best passage: among the
  :data:`DISAGREEMENT_POOL` passages ranked best, where the one with the highest BM25 score stands
  in the order of their e5 cosines, as a share of them (0: the passage that shares the most words
  with the question is also the nearest in meaning). A question the documents answer is answered
  by a passage both find; an off-topic one shares a word or two with passages about something
  else (0 for a question in another script, or one no passage shares a word with).

``p(answerable) = σ(bias + Σ w·signal)``; the assistant abstains below ``threshold``, and answers
below ``caution`` with a word of caution: most off-topic questions that get past the threshold come
out between the two, and few the documents answer do (``docs/abstention.md``). The weights
are fitted by ``python -m bench.calibrate_abstention`` on the questions of every development
collection, each collection's questions doubling as off-topic questions for the others; the data
and the leave-one-collection-out figures are in ``docs/abstention.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

SIGNALS = ("cosine", "lift", "margin", "coverage", "cross_script", "unwritten", "unwritten_names", "disagreement")
#: More unwritten words than this count as this many (a long question names more words of its own).
UNWRITTEN_CAP = 3
#: The passages ranked best among which ``disagreement`` is read.
DISAGREEMENT_POOL = 10


@dataclass(frozen=True)
class AbstentionRule:
    """``p(answerable) = σ(bias + w_dense·cosine + w_lift·lift + w_margin·margin + w_coverage·coverage
    + w_cross·cross_script + w_unwritten·unwritten + w_names·unwritten_names + w_disagree·disagreement)``;
    abstain below ``threshold``."""

    bias: float
    w_dense: float
    w_coverage: float
    w_margin: float = 0.0
    w_cross: float = 0.0
    w_lift: float = 0.0
    w_unwritten: float = 0.0
    w_names: float = 0.0
    w_disagree: float = 0.0
    threshold: float = 0.5
    #: below this (and at or above ``threshold``) an answer comes with a caution: the documents may
    #: not answer the question; not fitted, a trade-off read off the collections' figures
    caution: float = 0.4

    def probability(self, signals: Mapping[str, float]) -> float:
        z = self.bias
        for name, w in self.weights().items():  # in the order of SIGNALS, as the rule is written
            z += w * signals.get(name, 0.0)
        return 1.0 / (1.0 + math.exp(-max(min(z, 500.0), -500.0)))

    def abstain(self, signals: Mapping[str, float]) -> bool:
        return self.probability(signals) < self.threshold

    def weights(self) -> dict[str, float]:
        """The weight of each of :data:`SIGNALS`."""
        return {name: float(getattr(self, field)) for name, field in WEIGHT_FIELDS.items()}

    @classmethod
    def from_weights(
        cls, bias: float, weights: Mapping[str, float], threshold: float, caution: float
    ) -> AbstentionRule:
        """The rule with these weights of :data:`SIGNALS` (by name: a fitted model's coefficients)."""
        return cls(bias=bias, threshold=threshold, caution=caution, **{WEIGHT_FIELDS[k]: w for k, w in weights.items()})

    def code(self, digits: int = 3) -> str:
        """The rule as the Python that builds it (``DEFAULT_RULE``'s form), weights rounded to ``digits``."""
        values = {"bias": self.bias, **{field: getattr(self, field) for field in WEIGHT_FIELDS.values()}}
        shown = ", ".join(f"{name}={value:.{digits}f}" for name, value in values.items())
        return f"AbstentionRule({shown}, threshold={self.threshold:g}, caution={self.caution:g})"


#: The field of :class:`AbstentionRule` holding each signal's weight, in the order of :data:`SIGNALS`.
WEIGHT_FIELDS: Mapping[str, str] = dict(
    zip(
        SIGNALS,
        ("w_dense", "w_lift", "w_margin", "w_coverage", "w_cross", "w_unwritten", "w_names", "w_disagree"),
        strict=True,
    )
)


#: Fitted by ``python -m bench.calibrate_abstention`` (see docs/abstention.md); calibrated for the
#: embedded e5 model.
DEFAULT_RULE = AbstentionRule(
    bias=-25.380,
    w_dense=28.373,
    w_coverage=1.988,
    w_margin=4.886,
    w_cross=2.876,
    w_lift=38.838,
    w_unwritten=-0.635,
    w_names=-2.001,
    w_disagree=-0.765,
    threshold=0.22,
    caution=0.4,
)
