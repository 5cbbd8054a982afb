"""HTTP API of the publishing service."""

from fastapi import APIRouter

router = APIRouter()
