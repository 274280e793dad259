"""Templates in Bahasa Indonesia (Jinja2): `NAME.txt` holds the subject and the plain-text
body (blocks `subject` and `body`), `NAME.html` the HTML part (autoescaped)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

FOLDER = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class Templates:
    def __init__(self, folder: Path = FOLDER) -> None:
        self._env = Environment(
            loader=FileSystemLoader(folder),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._folder = folder

    def names(self) -> list[str]:
        return sorted(
            p.stem
            for p in self._folder.glob("*.txt")
            if not p.stem.startswith("_") and (self._folder / f"{p.stem}.html").exists()
        )

    def render(self, name: str, context: dict[str, Any]) -> Rendered:
        text = self._env.get_template(f"{name}.txt")
        blocks = text.new_context(context)
        subject = "".join(text.blocks["subject"](blocks))
        body = "".join(text.blocks["body"](text.new_context(context)))
        html = self._env.get_template(f"{name}.html").render(context)
        return Rendered(subject=" ".join(subject.split()), text=body.strip() + "\n", html=html)
