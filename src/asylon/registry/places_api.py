"""Sites and the places inside them over the API: the caller's sites, their blocks and units,
and a new block or unit (`services.add_location`, the service that adds one place).

Every site is one of the caller's (`queries.sites_for`); another site's code is a 404, as a
record outside the caller's sites is. Renaming a block or a unit is not offered: no service
renames a place today, and the API writes only through services. Creating a site is not
offered either: no page does it, and a site made by a caller would not be among the
caller's sites (`services.create_site` gives it to nobody), so nobody could read it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from annotated_types import MinLen
from ninja import Field, Path, Router, Schema, Status

from asylon.core.api_edge import FromModel, Id, Line, requires
from asylon.core.errors import InvalidInput, NotFound
from asylon.core.types import Actor, AuthedRequest

from . import queries, services
from .models import Location, Site

router = Router(tags=["sites"])

READ = "registry.view_site"
CHANGE = "registry.change_site"


class SiteOut(Schema):
    code: str = Field(description="Prefix of the site's references", examples=["LIB"])
    name: str = Field(examples=["Camp Liberty"])
    host_country: str = Field(description="ISO 3166-1 alpha-2", examples=["IQ"])
    designation: str = Field(examples=["TTL"])
    designated_on: date | None = Field(examples=["2012-02-17"])
    capacity: int | None = Field(examples=[3400])

    @staticmethod
    def resolve_host_country(site: Site) -> str:
        return site.host_country.code or ""


class UnitOut(Schema):
    id: int = Field(description="What a household's `unit` names", examples=[57])
    name: str = Field(examples=["T01-01"])
    block_id: int = Field(examples=[12])
    block: str = Field(examples=["Block 01"])

    @staticmethod
    def resolve_block_id(unit: Location) -> int:
        return unit.parent_id or 0

    @staticmethod
    def resolve_block(unit: Location) -> str:
        return unit.parent.name if unit.parent else ""


class BlockOut(Schema):
    id: int = Field(examples=[12])
    name: str = Field(examples=["Block 01"])
    units: list[UnitOut]

    @staticmethod
    def resolve_units(block: Location) -> list[Location]:
        return list(block.children.all())


PlaceName = Annotated[str, FromModel(Location, "name"), MinLen(1)]


class PlaceIn(Schema):
    """A block's or a unit's name; one of that name already there is returned as it is."""

    name: PlaceName = Field(examples=["Block 07"])


class SitePath(Schema):
    code: Line = Field(examples=["LIB"])


class BlockPath(SitePath):
    block_id: Id = Field(examples=[12])


def _site(actor: Actor, code: str) -> Site:
    """One of the caller's sites, by its code; any other code names nothing (404)."""
    try:
        return queries.site_in_scope(actor, code)
    except InvalidInput as exc:
        raise NotFound("No such site.") from exc


def _blocks(actor: Actor, site: Site):
    return queries.blocks_of(actor, site.pk).select_related("site").prefetch_related("children__parent")


def _block(actor: Actor, site: Site, block_id: int) -> Location:
    block = _blocks(actor, site).filter(pk=block_id).first()
    if block is None:
        raise NotFound("No such block.")
    return block


@router.get("/sites", response=list[SiteOut], auth=requires(READ), summary="List your sites")
def list_sites(request: AuthedRequest):
    return queries.sites_for(request.user)


@router.get("/sites/{code}", response=SiteOut, auth=requires(READ), summary="Read one of your sites")
def get_site(request: AuthedRequest, path: Path[SitePath]):
    return _site(request.user, path.code)


@router.get("/sites/{code}/blocks", response=list[BlockOut], auth=requires(READ), summary="List a site's blocks")
def list_blocks(request: AuthedRequest, path: Path[SitePath]):
    """The site's blocks by name, each with its units."""
    return _blocks(request.user, _site(request.user, path.code))


@router.get("/sites/{code}/units", response=list[UnitOut], auth=requires(READ), summary="List a site's units")
def list_units(request: AuthedRequest, path: Path[SitePath]):
    """Every unit of the site, block by block: the ids a household's `unit` takes."""
    return [unit for block in _blocks(request.user, _site(request.user, path.code)) for unit in block.children.all()]


@router.post("/sites/{code}/blocks", response={201: BlockOut}, auth=requires(CHANGE), summary="Add a block")
def add_block(request: AuthedRequest, path: Path[SitePath], payload: PlaceIn):
    site = _site(request.user, path.code)
    block = services.add_location(actor=request.user, site=site, name=payload.name)
    return Status(201, _block(request.user, site, block.pk))


@router.post(
    "/sites/{code}/blocks/{block_id}/units", response={201: UnitOut}, auth=requires(CHANGE), summary="Add a unit"
)
def add_unit(request: AuthedRequest, path: Path[BlockPath], payload: PlaceIn):
    site = _site(request.user, path.code)
    block = _block(request.user, site, path.block_id)
    return Status(201, services.add_location(actor=request.user, site=site, name=payload.name, block=block))
