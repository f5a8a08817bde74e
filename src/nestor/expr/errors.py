"""Errors of the expression language: refused at load time, or failed on a packet."""

from __future__ import annotations

from nestor.errors import NestorError
from nestor.expr.tokens import Location


class ExpressionError(NestorError):
    """An expression Kea's parser would refuse.

    ``str()`` reads like Kea's own refusal, ``expression: [TEXT] error:
    <string>:1.10-12: syntax error, unexpected ...``, followed by the class name when
    one was given. ``reason`` is the bare message, ``loc`` the span it points at and
    ``token`` the source text of the token found there ("" at the end of the text).
    """

    def __init__(self, reason: str, *, text: str, loc: Location, token: str = "",
                 class_name: str | None = None) -> None:
        self.reason = reason
        self.text = text
        self.loc = loc
        self.token = token
        self.class_name = class_name
        super().__init__(str(self))

    @property
    def kea_text(self) -> str:
        """The part Kea prints after ``error:``."""
        return f"<string>:{self.loc}: {self.reason}"

    def for_class(self, class_name: str) -> ExpressionError:
        return ExpressionError(self.reason, text=self.text, loc=self.loc, token=self.token,
                               class_name=class_name)

    def __str__(self) -> str:
        where = f" (client class '{self.class_name}')" if self.class_name is not None else ""
        return f"expression: [{self.text}] error: {self.kea_text}{where}"


class EvalError(NestorError):
    """Evaluation failed on one packet (Kea's ``EvalTypeError``): the operand of a
    conversion has the wrong size, a number does not fit. Kea logs it and the class
    does not match; :meth:`Expression.matches` does the same."""
