"""How Material's tags plugin orders the stories on a tag page: newest first, as readers expect of stories."""

from __future__ import annotations


def newest_first(mapping) -> tuple[float, str]:
    """Sort key for `listings_sort_by`: the newest story first; the same date goes by title."""
    item = mapping.item
    created = getattr(getattr(getattr(item, "config", None), "date", None), "created", None)
    return (-created.timestamp() if created else 0.0, str(item.title))
