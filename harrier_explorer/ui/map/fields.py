"""What a map's points are coloured, filtered and found by: per point its cluster, label, language and source file,
the "field: value" filters over them, which the page applies at once in the browser (highlight.js) and every redraw
of the maps on the server too, so that a filtered map stays filtered; and the texts the page matches typed words in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from harrier_explorer.analysis import map_report
from harrier_explorer.analysis.map_select import field_mask
from harrier_explorer.errors import InputError

if TYPE_CHECKING:
    from harrier_explorer.ui.map.run import MapRun

#: How a filter value reads in the page and the API: "language: de".
SEPARATOR = ": "
#: The most characters of text a map ships to the page for matching words as they are typed (about 2 MB of JSON
#: for 20,000 texts of 100 characters); a bigger map is matched by the server alone, on Select.
PAGE_TEXT_CHARS = 4_000_000
#: Values a message lists when a filter names none of them.
MAX_LISTED = 12
ONLY_DOC = ("filters 'field: value' with field cluster, label, language or source file (e.g. 'language: de'); values "
            "of one field are alternatives, different fields must all hold")


def fields(run: MapRun) -> dict[str, list[str]]:
    """Per colouring (and filter) field, one value per point."""
    return {"cluster": [map_report.cluster_name(int(c)) for c in run.clustering.labels],
            "label": [r.label or "(no label)" for r in run.records],
            "language": list(run.languages), "source file": [r.source for r in run.records]}


def filter_choices(run: MapRun | None) -> list[str]:
    """Every 'field: value' a map's points have, field by field."""
    if run is None:
        return []
    return [f"{name}{SEPARATOR}{value}" for name, values in fields(run).items() for value in sorted(set(values))]


def filters(only: list[str] | str | None, run: MapRun) -> dict[str, set[str]]:
    """'field: value' strings → {field: {values}}, each checked against the map's fields."""
    names = fields(run)
    wanted: dict[str, set[str]] = {}
    for item in [only] if isinstance(only, str) else only or []:
        name, sep, value = str(item).partition(SEPARATOR)
        if not sep or name not in names:
            raise InputError(f"A filter reads 'field: value' with field {', '.join(names)}; got {item!r}.")
        if value not in names[name]:  # else every point would fade, and nothing would say why
            known = sorted(set(names[name]))
            raise InputError(f"No point of this map has {name} {value!r}; its values are: "
                             f"{', '.join(known[:MAX_LISTED])}{' …' if len(known) > MAX_LISTED else ''}.")
        wanted.setdefault(name, set()).add(value)
    return wanted


def passing(only: list[str] | str | None, run: MapRun) -> list[int] | None:
    """The points the filters keep, drawn bright while the rest fade; None without filters."""
    wanted = filters(only, run)
    return np.flatnonzero(field_mask(fields(run), wanted)).tolist() if wanted else None


def page_texts(run: MapRun | None) -> list[str] | None:
    """The map's texts, lowercased as ``map_select.word_mask`` compares them, for the page to match typed words in;
    None without a map or above ``PAGE_TEXT_CHARS``."""
    if run is None or sum(map(len, run.texts)) > PAGE_TEXT_CHARS:
        return None
    return [text.lower() for text in run.texts]
