"""sts extensions (filled in next)."""


def install() -> None:
    """Nothing yet."""
