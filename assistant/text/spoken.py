"""Spoken contractions written out for the search: "한국엔" → "한국에는", "유럽에선" → "유럽에서는".

People type questions as they speak. The lexical search reads them through Kiwi's morphemes,
where "엔" is already 에 + ㄴ; the dense model reads characters, and a contracted particle can
move a question's embedding away from the passage that answers it ("한국엔 어떤 AI 동맹들이
있어?" missed the passage that "한국에는 …" finds). The question shown to the person keeps what
they typed; only the searched text is written out.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.text.josa import josa
from assistant.text.korean import Token

#: A contracted particle (a final consonant glued to the word before it) and its full form.
_PARTICLE = {("ᆫ", "JX"): "은", ("ᆯ", "JKO"): "을"}


def written_out(text: str, tokens: Sequence[Token]) -> str:
    """``text`` with each topic particle contracted onto an adverbial particle written out
    ("유럽에선" → "유럽에서는"); ``tokens`` are Kiwi's morphemes of ``text``. Contracted pronouns
    ("그건", "뭘") stay: a question made of them alone says nothing the search could find, and
    written out it would look as if it did."""
    out: list[str] = []
    done = 0
    for prev, tok in zip(tokens, tokens[1:], strict=False):
        particle = _PARTICLE.get((tok.form, tok.tag))
        glued = prev.end == tok.end and prev.start < tok.start + 1 and prev.start >= done
        if particle is None or not glued or not prev.tag.startswith("JKB"):
            continue
        out += [text[done : prev.start], josa(prev.form, particle)]
        done = tok.end
    return "".join(out) + text[done:]
