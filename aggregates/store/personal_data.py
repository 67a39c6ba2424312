"""Personal data sealed per person inside events, so that it can be erased for good.

An event class lists its personal fields in ``PERSONAL`` (``"address"``, or
``"details.name"`` for a key of a dict field).  When such an event is stored, those values
are taken out, encrypted with a key of the person's own (envelope encryption: that key is
itself kept wrapped, in a key ring apart from the event store) and stored beside the
rest as ``sealed``.  Erasure destroys the person's key: the sealed values become unreadable
forever while the event log, its hashes and its proofs stay exactly as they were
(crypto-shredding).  An event whose key is gone is read back with those values as None and
``erased`` set.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Cipher, Compressor, Mapper, StoredEvent, Transcoder

from aggregates.store.provenance_form import ProvenanceMapper


class Sealer(Protocol):
    """Keeps one key per subject (person) and seals and unseals their data with it."""

    def seal(self, subject: str, plaintext: bytes) -> str:
        """Encrypt with the subject's key (made on first use)."""
        ...

    def unseal(self, subject: str, sealed: str) -> bytes | None:
        """Decrypt, or None when the subject's key was destroyed."""
        ...

    def destroy(self, subject: str, *, by: str, reason: str) -> None:
        """Destroy the subject's key for good."""
        ...


class SealerMissing(RuntimeError):
    """An event holds sealed personal data but this mapper was given no key ring."""


def _take(state: dict[str, Any], path: str) -> tuple[bool, Any]:
    """Remove the value at ``path`` from the state (leaving None in its place)."""
    head, _, key = path.partition(".")
    if not key:
        if state.get(head) is None:
            return False, None
        value, state[head] = state[head], None
        return True, value
    inner = state.get(head)
    if not isinstance(inner, dict) or inner.get(key) is None:
        return False, None
    inner = dict(inner)
    value, inner[key] = inner[key], None
    state[head] = inner
    return True, value


def _put(state: dict[str, Any], path: str, value: Any) -> None:
    """Put a value back at ``path``."""
    head, _, key = path.partition(".")
    if not key:
        state[head] = value
        return
    inner = dict(state.get(head) or {})
    inner[key] = value
    state[head] = inner


def subject_of(originator_id: Any) -> str:
    """One spelling of an aggregate id, however the store hands it back (UUID, hex, text)."""
    try:
        return str(UUID(str(originator_id)))
    except ValueError:
        return str(originator_id)


class SealingMapper(ProvenanceMapper):
    """The library's mapper, sealing each event's personal fields with the person's key
    (and storing the provenance as a plain dict: :class:`ProvenanceMapper`)."""

    def __init__(
        self,
        transcoder: Transcoder,
        compressor: Compressor | None = None,
        cipher: Cipher | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        super().__init__(transcoder=transcoder, compressor=compressor, cipher=cipher)
        self.sealer = sealer

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        """Seal the personal fields, then store as the library does."""
        paths: tuple[str, ...] = getattr(type(domain_event), "PERSONAL", ())
        if not paths:
            return super().to_stored_event(domain_event)
        if self.sealer is None:
            raise SealerMissing("personal data can only be stored with the district's key ring")
        state = dict(vars(domain_event))
        secret = {}
        for path in paths:
            found, value = _take(state, path)
            if found:
                secret[path] = value
        if secret:
            subject = subject_of(state["originator_id"])
            state["sealed"] = self.sealer.seal(subject, self.transcoder.encode(secret))
        clone = object.__new__(type(domain_event))
        object.__setattr__(clone, "__dict__", state)
        return super().to_stored_event(clone)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        """Read as the library does, then unseal (or mark the event erased)."""
        event = super().to_domain_event(stored_event)
        state = event.__dict__
        sealed = state.pop("sealed", None)
        if sealed is None:
            return event
        if self.sealer is None:
            raise SealerMissing("this event holds sealed personal data; no key ring was given")
        plaintext = self.sealer.unseal(subject_of(stored_event.originator_id), sealed)
        if plaintext is None:
            state["erased"] = True
            return event
        for path, value in self.transcoder.decode(plaintext).items():
            _put(state, path, value)
        return event


class _Forgetting:
    """A key ring that has forgotten one subject's key (whatever the real one still holds)."""

    def __init__(self, sealer: Sealer | None, subject: str) -> None:
        self._sealer = sealer
        self._subject = subject

    def seal(self, subject: str, plaintext: bytes) -> str:
        if self._sealer is None:
            raise SealerMissing("personal data can only be stored with the district's key ring")
        return self._sealer.seal(subject, plaintext)

    def unseal(self, subject: str, sealed: str) -> bytes | None:
        if subject == self._subject or self._sealer is None:
            return None
        return self._sealer.unseal(subject, sealed)

    def destroy(self, subject: str, *, by: str, reason: str) -> None:
        raise TypeError("a forgetting view of the key ring only reads")


def as_erased(mapper: Mapper[Any], subject: str) -> Mapper[Any]:
    """A mapper reading ``subject``'s events as they read once their key is destroyed.

    An erasure saves its event first and destroys the key after: whoever reads the person's
    events in between must already see them erased.
    """
    if not isinstance(mapper, SealingMapper):
        return mapper
    return SealingMapper(
        transcoder=mapper.transcoder,
        compressor=mapper.compressor,
        cipher=mapper.cipher,
        sealer=_Forgetting(mapper.sealer, subject_of(subject)),
    )
