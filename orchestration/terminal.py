"""User-derived text made safe for a terminal: the one helper every CLI command prints through.

File names, CSV headers, notes and error messages come from senders. Printed raw, an ANSI escape
(``\\x1b[31m``) recolours or clears the operator's terminal and a carriage return overwrites a line;
printed through rich, ``[/red]`` crashes with a ``MarkupError`` and ``[link=…]`` becomes a live
link. ``visible`` shows every control character as its escape (``\\x1b``, ``\\r``), so the text
prints literally; ``markup`` also escapes rich markup, for text placed inside a rich string.
"""

from __future__ import annotations

import unicodedata

from rich.markup import escape

# Bidirectional overrides and isolates reorder what follows them on screen ("Trojan source").
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _shown(char: str) -> str:
    if char == "\n":
        return char
    if char in _BIDI or unicodedata.category(char) == "Cc":
        code = ord(char)
        return {"\t": "\\t", "\r": "\\r"}.get(char) or (
            f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
        )
    return char


def visible(text: object) -> str:
    """``text`` with control characters (except newline) shown as escapes."""
    value = str(text)
    if value.isprintable():  # the common case, no per-character work
        return value
    return "".join(_shown(char) for char in value)


def markup(text: object) -> str:
    """``text`` safe inside a rich markup string: control characters shown, brackets escaped."""
    return escape(visible(text))
