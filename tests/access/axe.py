"""axe-core in the page: the accessibility checker the browser tests run.

axe-core comes from npm into a git-ignored folder (`make axe`, run by `make test`
and CI). `violations(page)` injects it into the page as a person sees it and
returns what it finds, one line per rule.
"""

from __future__ import annotations

from pathlib import Path

from tests.live_server import ROOT

AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# What fails a test: axe's two worst impacts. "moderate" and "minor" are reported only.
BLOCKING = ("critical", "serious")

_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    count: v.nodes.length,
    where: v.nodes.slice(0, 3).map(n => n.html.slice(0, 200) + " " + n.failureSummary),
  }));
}"""


def violations(page) -> list[dict]:
    """Every axe violation on the page now: id, impact, count of elements, first three."""
    if not Path(AXE).exists():
        raise FileNotFoundError(f"{AXE} is missing: run 'make axe' (npm install axe-core)")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(_RUN)


def blocking(found: list[dict]) -> list[str]:
    """The critical and serious ones, as readable lines for an assertion message."""
    return [
        f"{v['impact']} {v['id']} x{v['count']}: {' | '.join(v['where'])}"
        for v in found
        if v["impact"] in BLOCKING
    ]
