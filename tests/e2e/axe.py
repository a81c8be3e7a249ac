"""Accessibility checks in the browser tests: axe-core, the engine of the usual audit tools, run
inside the page by Playwright.

axe-core comes from npm, its version pinned in package.json and package-lock.json (``make setup``
runs ``npm ci``, into node_modules/, ignored by git). ``assert_accessible(page)`` injects it into
the page as it is and fails on any violation whose impact is serious or critical, listing each
rule with the elements (CSS selectors) that break it. Any browser test can call it, after waiting
for what the page signals (``tests.e2e.pages``): axe checks what is on screen at that moment.

The pages' Content-Security-Policy allows only scripts of their own origin or with their nonce:
an inline ``<script>`` (what ``add_script_tag(path=…)`` writes) would be refused, with a console
error. So the script is added by address, on the page's own origin, and the browser's request
for it is answered by Playwright with the file from node_modules/ (it never reaches the server).
"""

import json
import weakref

import pytest

from tests.integration.servers import ROOT

AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__axe-core__/axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")

# The standards checked: WCAG 2.0, 2.1 and 2.2, levels A and AA (what the RGAA requires), and
# axe's best practices.
RUN_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22aa",
            "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}


def axe_script():
    """The path of axe-core's script; fails the test, saying how to install it, when missing."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is not installed ({AXE_SCRIPT} is missing): run `make setup`.")
    return AXE_SCRIPT


_routed = weakref.WeakSet()


def inject_axe(page):
    """Add axe-core to the page (once per document): ``window.axe``."""
    if page.evaluate("() => typeof window.axe === 'object'"):
        return
    script = axe_script()
    if page not in _routed:
        page.route(
            f"**{AXE_PATH}",
            lambda route: route.fulfill(path=str(script), content_type="text/javascript"),
        )
        _routed.add(page)
    origin = page.evaluate("() => window.location.origin")
    page.add_script_tag(url=f"{origin}{AXE_PATH}")


def axe_violations(page, *, impacts=BLOCKING_IMPACTS):
    """axe-core's violations on the page as it is now, those of the given ``impacts`` only:
    ``[{"id", "impact", "help", "targets": [...]}]``."""
    inject_axe(page)
    results = page.evaluate("options => window.axe.run(document, options)", RUN_OPTIONS)
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [
                " ".join(
                    json.dumps(part) if not isinstance(part, str) else part
                    for part in node["target"]
                )
                for node in violation["nodes"]
            ],
            # axe-core's own words on why each element fails (sizes, overlaps, contrasts).
            "summaries": [node.get("failureSummary", "") for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]


def describe(violations):
    """A readable list of ``violations``: one line per rule, then one per element."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for target, summary in zip(
            violation["targets"], violation.get("summaries", ()), strict=False
        ):
            lines.append(f"    {target}")
            lines.extend(f"      {line}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)


def assert_accessible(page, *, where=None):
    """Fail if axe-core finds a serious or critical violation on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core: {len(violations)} serious or critical violation(s) on "
        f"{where or page.url}:\n{describe(violations)}"
    )
