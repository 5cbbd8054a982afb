"""HTTP API of the coding service."""

from fastapi import APIRouter

router = APIRouter()
