"""My work over the API: the same items the page lists, for the signed-in user."""

from __future__ import annotations

from datetime import date

from ninja import Field, Router, Schema

from asylon.core.api_edge import requires
from asylon.core.dates import today
from asylon.core.types import AuthedRequest
from asylon.core.work import WorkItem, items_for

router = Router(tags=["my work"])


class WorkItemOut(Schema):
    source: str = Field(description="Which part of the system the item comes from", examples=["incidents.follow_ups"])
    group: str = Field(description="The heading the page lists it under, in your language", examples=["Roll calls"])
    title: str = Field(
        description="What is to be done, in your language",
        examples=["Roll call open in Liberty camp; residents not yet checked: 212"],
    )
    url: str = Field(description="The page where it is done", examples=["/incidents/roll-calls/7/"])
    due: date | None = Field(description="When it is due; null: no date set", examples=["2013-05-02"])
    overdue: bool = Field(description="Due before today", examples=[False])
    site: str = Field(description="The site's code, where the item belongs to one", examples=["LIB"])

    @staticmethod
    def resolve_overdue(item: WorkItem) -> bool:
        return item.overdue(today())


@router.get(
    "/work", response=list[WorkItemOut], auth=requires("accounts.view_own_work"), summary="List what is yours to do"
)
def my_work(request: AuthedRequest):
    """Every item of your work across the system, dated first by date, then the rest: the
    list of the my-work page. Any signed-in user; each item is one you may know of."""
    return items_for(request.user, today())
