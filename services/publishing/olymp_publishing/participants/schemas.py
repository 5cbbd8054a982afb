"""HTTP models of a participant's own places."""

from __future__ import annotations

from pydantic import BaseModel, Field


class OwnPlaceRead(BaseModel):
    subject_code: str
    subject_name: str
    grade: int = Field(description="The grade whose tasks were sat (the table's).")
    stage: str = Field(description="preliminary or final: the latest published version's")
    stage_label: str
    version: int
    place: str | None = Field(description="«3» or a shared place «4–6»; null when annulled.")
    status: str = Field(description="победитель, призёр, участник or аннулировано")
    total: str
    ranked: int = Field(description="How many hold a place in that table.")


class OwnPlaces(BaseModel):
    places: list[OwnPlaceRead]
