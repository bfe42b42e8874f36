"""What a page shows, read with the standard library's HTML parser.

`visible_text` is the text a reader sees (no script, style, template or hidden inputs,
no attribute values); `select_options` lists a select's options with their selected flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_HIDDEN = {"script", "style", "template", "noscript", "head"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Option:
    value: str
    text: str
    selected: bool


@dataclass
class _Reader(HTMLParser):
    chunks: list[str] = field(default_factory=list)
    selects: dict[str, list[Option]] = field(default_factory=dict)
    _hidden: int = 0
    _select: str | None = None
    _option: Option | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        a = dict(attrs)
        if tag in _HIDDEN or "hidden" in a:
            self._hidden += 1
        elif self._hidden:
            self._hidden += 1
        if tag == "select":
            self._select = a.get("name") or ""
            self.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self._option = Option(a.get("value") or "", "", "selected" in a)
            self.selects[self._select].append(self._option)

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self._hidden:
            self._hidden -= 1
        if tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data):
        if self._option is not None:
            self._option.text += data.strip()
        if not self._hidden:
            self.chunks.append(data)


def _read(html: bytes | str) -> _Reader:
    reader = _Reader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    reader.close()
    return reader


def visible_text(html: bytes | str) -> str:
    return " ".join(" ".join(_read(html).chunks).split())


def select_options(html: bytes | str, name: str) -> list[Option]:
    selects = _read(html).selects
    assert name in selects, f"no select named {name!r}"
    return selects[name]
