"""Korean particles that depend on the word before them: 은/는, 이/가, 을/를, 과/와, 으로/로.

The choice follows the last sound of the word: a Hangul syllable's final consonant, or how a
digit or a Latin letter is read (``AI`` → 에이아이 → 는; ``3`` → 삼 → 은). Closing quotes and
brackets are looked through (``‘메가 얼라이언스’를``). No analyzer is needed.
"""

from __future__ import annotations

#: Particle pairs: (after a final consonant, after a vowel), found by either form.
_FORMS = (("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"), ("으로", "로"), ("이나", "나"))
PAIRS = {form: pair for pair in _FORMS for form in pair}

#: Digits read as Sino-Korean numbers: 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔 end in a consonant.
_DIGIT_FINAL = {"0": "ㅇ", "1": "ㄹ", "3": "ㅁ", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ"}
#: Latin letters whose Korean names end in a consonant: L 엘, M 엠, N 엔, R 알.
_LETTER_FINAL = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ", "r": "ㄹ"}
_CLOSERS = "’'\"”」』)]}>›》〉 ."
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_FINALS = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"


def final_consonant(word: str) -> str | None:
    """The final consonant of the word's last sound ("" after a vowel), None when unknown."""
    text = word.rstrip(_CLOSERS)
    if not text:
        return None
    last = text[-1]
    code = ord(last)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        final = (code - _HANGUL_FIRST) % 28
        return _FINALS[final - 1] if final else ""
    if last.isdigit():
        return _DIGIT_FINAL.get(last, "")
    if last.isascii() and last.isalpha():
        return _LETTER_FINAL.get(last.lower(), "")
    return None


def josa(word: str, particle: str) -> str:
    """``word`` followed by the form of ``particle`` its last sound takes.

    >>> josa("서울", "은"), josa("제주도", "은"), josa("AI", "을"), josa("서울", "으로")
    ('서울은', '제주도는', 'AI를', '서울로')

    When the last sound is unknown (a symbol), both forms are written: ``은(는)``.
    """
    consonant, vowel = PAIRS[particle]
    final = final_consonant(word)
    if final is None:
        return f"{word}{consonant}({vowel})"
    if consonant == "으로" and final == "ㄹ":
        return word + vowel  # 서울로, not 서울으로
    return word + (consonant if final else vowel)
