"""The signs and words that open the members of a list, shared by everything that reads lists:
the plain-text loader (a bulleted line is not joined to the one before), sentence spans (a
bullet is not part of its sentence), the summary (a sentence that opens or holds an item) and
the lists a follow-up's ordinal counts in (:mod:`assistant.text.enumeration`)."""

from __future__ import annotations

import re

#: Characters that open a bulleted line.
BULLETS = "•-*·▪○●◦■□◆◇▶►‣–"
#: :data:`BULLETS` as the inside of a regular-expression character class.
BULLET_CLASS = re.escape(BULLETS)
#: 첫째 … 열째.
ORDINAL_WORDS = "첫째|둘째|셋째|넷째|다섯째|여섯째|일곱째|여덟째|아홉째|열째"
#: 첫 번째(로) … 열 번째(로), with or without the space.
COUNTED = r"(?:첫|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s?번째(?:로)?"
#: An ordinal that opens a member: either of the two.
ORDINAL = f"(?:{ORDINAL_WORDS}|{COUNTED})"
#: What opens the last member.
CLOSING = "마지막으로|끝으로"
