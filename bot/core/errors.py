"""How a use case says no, and how a redelivered update is told apart."""

from __future__ import annotations


class Refused(Exception):
    """The command cannot be carried out; `code` and `params` say why, in the user's words later."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class Duplicate(Exception):
    """This update was processed before; a redelivery changes nothing."""
