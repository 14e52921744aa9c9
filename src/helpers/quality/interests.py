"""What the studied account is about (interests.toml): topics, keywords, places and languages."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from helpers.errors import InputError

KEYS = ("topics", "keywords", "places", "languages")
EXAMPLE = ('topics = ["marketing", "SEO"]\nkeywords = ["community", "réseaux sociaux"]\n'
           'places = ["Paris"]\nlanguages = ["en", "fr"]')


@dataclass(frozen=True)
class Interests:
    """The account's interests; every list may be empty."""

    topics: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    source: str | None = None
    ignored: tuple[str, ...] = field(default=())

    @property
    def terms(self) -> list[str]:
        """Topics and keywords together: the words a relevant bio may contain."""
        return [*self.topics, *self.keywords]

    def describe(self) -> str:
        """One line saying what relevance will be judged on."""
        if self.source is None:
            return "no interests file: relevance from the similarity of bios to the account's own posts only"
        # the file's name only: this line reaches the manifest and every report, which never show local paths
        return (f"interests from {Path(self.source).name}: {len(self.terms)} topic/keyword terms, "
                f"{len(self.places)} places, "
                f"languages {', '.join(self.languages) or 'any'}")


def _strings(path: Path, key: str, value: object) -> tuple[str, ...]:
    """A list of strings, or a table of lists of strings (e.g. keywords per language), flattened."""
    if isinstance(value, dict):
        return tuple(s for sub, v in value.items() for s in _strings(path, f"{key}.{sub}", v))
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise InputError(path, f"key '{key}'", f"holds {type(value).__name__}, not a list of strings",
                     f"Write it like this:\n{EXAMPLE}")


def load_interests(path: str | Path) -> Interests:
    """Read an interests.toml; its keys may sit at the top level or under an [interests] table."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise InputError(path, None, "does not exist", "Give the path of an interests.toml file.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"is not valid TOML ({exc})", f"Write it like this:\n{EXAMPLE}") from exc
    if isinstance(data.get("interests"), dict):
        data = data["interests"]
    found = {k: _strings(path, k, data[k]) for k in KEYS if k in data}
    if not any(found.values()):
        raise InputError(path, None, f"names none of {', '.join(KEYS)}", f"Write it like this:\n{EXAMPLE}")
    ignored = tuple(k for k in data if k not in KEYS)
    languages = tuple(lang.strip().lower()[:2] for lang in found.get("languages", ()))
    return Interests(topics=found.get("topics", ()), keywords=found.get("keywords", ()),
                     places=found.get("places", ()), languages=languages, source=str(path), ignored=ignored)


def resolve_interests(given: str | Path | None, dataset_path: Path) -> Interests:
    """The interests to use: the file given, else the dataset's own interests.toml, else none."""
    if given:
        return load_interests(given)
    own = dataset_path / "interests.toml"
    return load_interests(own) if own.is_file() else Interests()
