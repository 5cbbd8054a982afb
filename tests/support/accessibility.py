"""axe-core in a page of the browser tests: the serious and critical violations, named by rule
and element. The page's context must bypass the CSP (axe is injected as a script of its own)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from playwright.async_api import Page

AXE = Path(__file__).parent / "axe" / "axe-4.10.3.min.js"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"


def axe_script() -> str:
    script = AXE.read_text()
    assert hashlib.sha256(script.encode()).hexdigest() == AXE_SHA256, "axe-core was changed"
    return script


async def serious_violations(page: Page) -> list[str]:
    """What axe finds serious or critical on the page as it stands."""
    await page.add_script_tag(content=axe_script())
    found: list[str] = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return found
