"""Domain errors: what the domain refuses, named so the API can answer precisely.

Each error names the field at fault (where there is one) and a stable ``code`` that the
API turns into a problem type.  The English text is for developers and logs; ``title_zh``
is what a village worker reads.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal by the domain."""

    code = "domain-error"
    title_zh = "业务规则不允许此操作"
    status = 400

    def __init__(self, detail: str, *, field: str | None = None, **facts: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.facts = facts


class InvalidValue(DomainError):
    """A value that can never be right (a date in the future, a code of the wrong shape)."""

    code = "invalid-value"
    title_zh = "数据不合法"
    status = 422


class InvariantViolated(DomainError):
    """A command that would break a rule of the plan (two sitting chairs, six members)."""

    code = "invariant-violated"
    title_zh = "违反组织规则"
    status = 409


class Conflict(DomainError):
    """The thing already exists, or someone else changed it first."""

    code = "conflict"
    title_zh = "数据冲突"
    status = 409


class NotFound(DomainError):
    """The thing does not exist (or is not visible to the caller)."""

    code = "not-found"
    title_zh = "未找到"
    status = 404
