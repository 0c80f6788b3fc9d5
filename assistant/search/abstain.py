"""When to say "the documents do not answer this" instead of answering.

Two signals, because neither is enough alone: the cosine of the best passage (dense
similarity stays high even for off-topic questions) and the idf-weighted share of the
question's content morphemes found in the top passages (zero for questions that share
no content word with the corpus). A logistic model over both was fitted on labelled
questions by ``bench/calibrate_abstention.py``; its coefficients and the data behind
them are recorded in ``docs/abstention.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class AbstentionRule:
    """``p(answerable) = σ(bias + w_dense·cosine + w_cov·coverage)``; abstain below ``threshold``."""

    bias: float
    w_dense: float
    w_coverage: float
    threshold: float = 0.5

    def probability(self, cosine: float, coverage: float) -> float:
        z = self.bias + self.w_dense * cosine + self.w_coverage * coverage
        return 1.0 / (1.0 + math.exp(-z))

    def abstain(self, cosine: float, coverage: float) -> bool:
        return self.probability(cosine, coverage) < self.threshold


#: Fitted by ``bench/calibrate_abstention.py`` on 724 labelled questions over the default
#: corpus and KorQuAD dev (see docs/abstention.md); calibrated for the embedded e5 model.
DEFAULT_RULE = AbstentionRule(bias=-17.428, w_dense=12.971, w_coverage=10.331)
