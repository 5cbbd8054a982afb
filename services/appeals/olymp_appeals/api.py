"""HTTP API of the appeals service."""

from fastapi import APIRouter

router = APIRouter()
