"""GraphiQL in a real browser, offline: ``saathi up``, headless Chromium, the README's first query.

The page must work with nothing but the gateway's own origin: every request the browser makes
goes there, and the Content-Security-Policy reports no violation. The query is typed into the
editor and run by clicking the run button, as a newcomer would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import NO_CHROMIUM, chromium_page, chromium_path
from tests.running import saathi_up

README = Path(__file__).parents[2] / "README.md"

# Collects the page's CSP violations before any of its scripts run.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESULT = ".result-window .CodeMirror"


def readme_first_query() -> str:
    match = re.search(r"```graphql\n(.*?)```", README.read_text(), re.S)
    assert match is not None, "README.md has no graphql block"
    return match.group(1)


@pytest.fixture
def network(tmp_path: Path) -> Iterator[str]:
    """``saathi up`` with its demo network, as the README starts it; its base URL."""
    with saathi_up(tmp_path / "data") as url:
        yield url


async def test_graphiql_runs_the_readme_query_offline_in_chromium(network: str) -> None:
    executable = chromium_path()
    if executable is None:
        pytest.skip(NO_CHROMIUM)
    query = readme_first_query()

    async with chromium_page(executable) as page:
        # given GraphiQL opened in a fresh browser that records every request it makes
        await page.send("Network.enable")
        await page.send("Page.enable")
        await page.send("Page.addScriptToEvaluateOnNewDocument", source=WATCH_VIOLATIONS)
        await page.send("Page.navigate", url=f"{network}/graphql")
        await page.wait_for(
            f"!!document.querySelector({json.dumps(QUERY_EDITOR)})"
            " && !!document.querySelector('.graphiql-execute-button')"
        )

        # when the README's first query is typed into the editor and the run button clicked
        await page.click(QUERY_EDITOR)
        await page.select_all()
        await page.type(query)
        typed = await page.evaluate(
            f"document.querySelector({json.dumps(QUERY_EDITOR)}).CodeMirror.getValue()"
        )
        await page.click(".graphiql-execute-button")
        shown = await page.wait_for(
            f"(() => {{ const v = document.querySelector({json.dumps(RESULT)})"
            ".CodeMirror.getValue(); return v.includes('totalCount') ? v : ''; })()"
        )
        violations = await page.evaluate("window.__violations")

    # then the result pane shows groups near Pune, and nothing came from elsewhere
    answer = json.loads(shown)
    assert typed == query
    assert "errors" not in answer, shown[:500]
    nearby = answer["data"]["nearbyGroups"]
    assert nearby["totalCount"] >= 1
    assert {edge["node"]["centre"]["city"] for edge in nearby["edges"]} == {"Pune"}
    requested = [
        event["params"]["request"]["url"]
        for event in page.events
        if event["method"] == "Network.requestWillBeSent"
    ]
    assert any(url.endswith("/graphiql/graphiql.min.js") for url in requested)
    elsewhere = [
        u for u in requested if not u.startswith(network + "/") and not u.startswith("data:")
    ]
    assert elsewhere == []
    assert violations == []
