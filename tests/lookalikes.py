"""Objects that claim to equal everything: hidden tests and self-checks must reject them."""

from __future__ import annotations


class AlwaysEqual:
    """A look-alike that claims to equal everything."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


class EqualStr(AlwaysEqual, str):
    """A str that claims to equal every other value."""

    __hash__ = str.__hash__


class EqualFloat(AlwaysEqual, float):
    """A float that claims to equal every other value."""

    __hash__ = float.__hash__
