"""Masking personal data in answers: enough left to recognise, not enough to misuse."""

from __future__ import annotations

from collections.abc import Callable


def mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    """Replace the middle of ``value`` with ``*``, keeping its length."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]


def mask_phone(value: str) -> str:
    """``13812345678`` -> ``138****5678``."""
    return mask_middle(value, 3, 4)


def mask_resident_id(value: str) -> str:
    """``410102199001011234`` -> ``410102********1234`` (division kept, birth date hidden)."""
    return mask_middle(value, 6, 4)


def mask_certificate(value: str) -> str:
    """A certificate number keeps its division, category and grade digits."""
    return mask_middle(value, 6, 6)


def mask_address(value: str) -> str:
    """An address keeps its first six characters (the village), the rest hidden."""
    return mask_middle(value, 6, 0)


#: field name -> how it is masked
MASKS: dict[str, Callable[[str], str]] = {
    "phone": mask_phone,
    "resident_id": mask_resident_id,
    "certificate_number": mask_certificate,
    "address": mask_address,
}


def mask_fields(record: dict[str, object], unmasked: frozenset[str] = frozenset()) -> None:
    """Mask, in place, every personal field of ``record`` not in ``unmasked``."""
    for name, mask in MASKS.items():
        value = record.get(name)
        if isinstance(value, str) and value and name not in unmasked:
            record[name] = mask(value)
