"""mypy plugin: the event classes ``@event("Name")`` makes at run time, made for mypy too.

The library builds ``Person.Relocated`` from the parameters of the method decorated with
``@event("Relocated")`` when the class is defined (aggregates/events.py); mypy only reads the
source, where no such class is written, and would reject every ``Person.Relocated`` of the read
models.  For each aggregate deriving from ``aggregates.events.Aggregate`` (or ``Index``) this
plugin adds the nested class, derived from the aggregate's ``Event`` (and ``Created`` for
``__init__``), with one attribute per parameter of the method, typed as the parameter is.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.mro import MroError, calculate_mro
from mypy.nodes import (
    MDEF,
    CallExpr,
    ClassDef,
    Decorator,
    FuncDef,
    RefExpr,
    StrExpr,
    SymbolTableNode,
    TypeInfo,
    Var,
)
from mypy.plugin import ClassDefContext, Plugin
from mypy.types import CallableType, Instance
from mypy.typevars import fill_typevars_with_any

BASES = ("aggregates.events.Aggregate", "aggregates.events.Index")
DECORATOR = "aggregates.events.event"


def _declared(item: Decorator | FuncDef | object) -> tuple[str, FuncDef] | None:
    """The event name and method of ``@event("Name")`` on a method, else None."""
    if not isinstance(item, Decorator):
        return None
    for decorator in item.original_decorators:
        callee = decorator.callee if isinstance(decorator, CallExpr) else None
        if isinstance(callee, RefExpr) and callee.fullname == DECORATOR:
            assert isinstance(decorator, CallExpr)
            if decorator.args and isinstance(decorator.args[0], StrExpr):
                return decorator.args[0].value, item.func
    return None


def _base(info: TypeInfo, name: str) -> Instance | None:
    node = info.get(name)
    if node is None or not isinstance(node.node, TypeInfo):
        return None
    return fill_typevars_with_any(node.node)  # type: ignore[return-value]


def _add_event(ctx: ClassDefContext, name: str, method: FuncDef) -> bool:
    """Add ``name`` to the aggregate; False while mypy has not analysed what it needs yet."""
    info = ctx.cls.info
    signature = method.type
    bases = [_base(info, "Event")]
    if method.name == "__init__":
        bases.append(_base(info, "Created"))
    if not isinstance(signature, CallableType) or None in bases:
        return False
    if len(bases) == 2 and bases[1].type.has_base(bases[0].type.fullname):  # type: ignore[union-attr]
        bases = bases[1:]  # the aggregate has no Event of its own: the library's Created is one
    definition = ClassDef(name, ctx.cls.defs.__class__([]))
    definition.fullname = f"{info.fullname}.{name}"
    event_info = TypeInfo(info.names.__class__(), definition, info.module_name)
    definition.info = event_info
    event_info.bases = [base for base in bases if base is not None]
    try:
        calculate_mro(event_info)
    except MroError:
        return False
    fields = []
    for argument, unanalysed in zip(signature.arg_names[1:], signature.arg_types[1:], strict=True):
        kind = ctx.api.anal_type(unanalysed)
        if kind is None:
            return False
        if argument is not None:
            fields.append((argument, kind))
    for argument, kind in fields:
        var = Var(argument, kind)
        var.info = event_info
        var._fullname = f"{definition.fullname}.{argument}"
        event_info.names[argument] = SymbolTableNode(MDEF, var)
    info.names[name] = SymbolTableNode(MDEF, event_info)
    return True


def _declare_events(ctx: ClassDefContext) -> None:
    for item in ctx.cls.defs.body:
        declared = _declared(item)
        if declared is None or declared[0] in ctx.cls.info.names:
            continue
        if not _add_event(ctx, *declared) and not ctx.api.final_iteration:
            ctx.api.defer()
            return


class EventsPlugin(Plugin):
    """Adds the classes of declared events to aggregates deriving from one of :data:`BASES`."""

    def get_base_class_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        """Hook every class whose direct base is our aggregate."""
        return _declare_events if fullname in BASES else None


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point."""
    return EventsPlugin
