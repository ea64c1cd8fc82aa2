"""Organizations backup policies (filled in next)."""


def install() -> None:
    """Nothing yet."""
