"""Typed dependencies for routers: what a web process built once at start, asked for by type.

The bootstrap builds one typed container (a dataclass whose fields are its dependencies) and
`install`s it on the app; a router asks for a field by its declared type:

    Intake = Annotated[ComplaintIntake, provided(ComplaintIntake)]

    @router.post(...)
    async def submit(intake: Intake) -> ...

Every declared type names one field (two fields of the same type are refused at start), so a
router never knows where the value is kept nor under which name.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import Depends, FastAPI, Request

from office import OfficeConfig
from privacy import PersonalDataKeys
from runtime.clock import Clock
from runtime.throttle import Throttle
from sop.registry import SopRegistry

T = TypeVar("T")


class Dependencies:
    """The fields of a container, by their declared types."""

    def __init__(self, container: Any) -> None:
        hints = typing.get_type_hints(type(container))
        self._by_type: dict[Any, Any] = {}
        for field in dataclasses.fields(container):
            kind = hints[field.name]
            if kind in self._by_type:
                raise TypeError(f"two dependencies of type {kind!r}: ask for {field.name} by type")
            self._by_type[kind] = getattr(container, field.name)

    def get(self, kind: type[T]) -> T:
        try:
            return self._by_type[kind]
        except KeyError:
            raise LookupError(f"no dependency of type {kind!r} was built") from None


def install(app: FastAPI, container: Any) -> None:
    """Make the container's fields available to `provided` (the bootstrap calls this once)."""
    app.state.dependencies = Dependencies(container)


@dataclass(frozen=True)
class Provided(Generic[T]):
    """The FastAPI dependency behind `provided`: the installed dependency of type `kind`."""

    kind: type[T]

    async def __call__(self, request: Request) -> T:
        dependencies: Dependencies = request.app.state.dependencies
        return dependencies.get(self.kind)


def installed(request: Request, kind: type[T]) -> T:
    """The installed dependency of type `kind`, outside a route's parameters (templates)."""
    dependencies: Dependencies = request.app.state.dependencies
    return dependencies.get(kind)


def provided(kind: type[T]) -> Any:
    """`Depends(...)` that hands a router the installed dependency of type `kind`."""
    return Depends(Provided(kind))


# What several services ask for: the runtime's and the core's shared objects.
Pool = Annotated[asyncpg.Pool, provided(asyncpg.Pool)]
TimeZone = Annotated[ZoneInfo, provided(ZoneInfo)]
CurrentClock = Annotated[Clock, provided(Clock)]
Office = Annotated[OfficeConfig, provided(OfficeConfig)]
Registry = Annotated[SopRegistry, provided(SopRegistry)]
Throttling = Annotated[Throttle, provided(Throttle)]
Keys = Annotated[PersonalDataKeys, provided(PersonalDataKeys)]  # seal and reveal personal data
