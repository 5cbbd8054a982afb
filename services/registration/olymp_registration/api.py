"""HTTP API of the registration service."""

from fastapi import APIRouter

router = APIRouter()
