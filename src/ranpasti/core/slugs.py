"""Page addresses (slugs) for administrative units.

Slugs are part of the public URL scheme, so they must never change for a unit whose name did not change:
they are derived from the name only (ASCII, lower case, hyphens), and collisions within a parent are
broken with the unit's own code, which is stable, rather than with a counter, which depends on order.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """ASCII slug: ``"Kota Bandung"`` → ``kota-bandung``; ``"Lawe Sigala-Gala"`` → ``lawe-sigala-gala``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.lower().replace("'", "").replace('"', "")
    return _NON_ALNUM.sub("-", ascii_text).strip("-") or "wilayah"


def kabupaten_slug(name: str) -> str:
    """Kabupaten/kota names already start with "Kabupaten"/"Kota", which keeps Bandung and Kota Bandung apart."""
    return slugify(name)


def provinsi_slug(name: str) -> str:
    """The "provinsi-" prefix keeps province pages apart from "kabupaten-"/"kota-" pages at the site root."""
    return "provinsi-" + slugify(name)


def sibling_slugs(names: pd.Series, codes: pd.Series, parents: pd.Series) -> pd.Series:
    """Slugs unique among siblings; a name shared within one parent gets the last part of its code."""
    base = names.map(slugify)
    clash = pd.DataFrame({"p": parents, "s": base}).duplicated(keep=False)
    return base.where(~clash, base + "-" + codes.str.rsplit(".", n=1).str[-1])
