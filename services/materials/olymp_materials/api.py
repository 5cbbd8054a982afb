"""HTTP API of the materials service."""

from fastapi import APIRouter

router = APIRouter()
