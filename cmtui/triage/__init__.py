"""Pure inbox logic: what an item is, states, response targets (no Textual, no I/O)."""

from __future__ import annotations

import re

# A question mark (Latin, Spanish opening, full-width, Arabic), or an opening question word
# after any leading @mentions.
_QUESTION_MARKS = ("?", "¿", "？", "؟")
_QUESTION_START = re.compile(
    r"\s*(?:@\S+\s+)*(?:how|what|why|when|where|who|which|is|are|can|could|does|do|did|should|will"
    r"|cómo|qué|por qué|cuándo|dónde|quién|puedo|hay"
    r"|comment|pourquoi|quand|où|qui|est-ce|peut-on|puis-je"
    r"|kako|zakaj|kdaj|kje|kdo|ali|lahko)\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    return any(mark in text for mark in _QUESTION_MARKS) or bool(_QUESTION_START.match(text))
