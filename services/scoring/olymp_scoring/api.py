"""HTTP API of the scoring service."""

from fastapi import APIRouter

router = APIRouter()
