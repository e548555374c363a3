"""The GraphiQL page served to browsers in development mode, and its assets, from this package.

Nothing is fetched from another origin: React, ReactDOM and GraphiQL are pinned builds copied
from the npm registry into ``graphiql_assets/`` (with each package's licence), and the page is
served with a Content-Security-Policy that lets it load scripts, styles and data from its own
origin only. A clinic behind a strict firewall, or a laptop offline, gets a working GraphiQL.
The ``data:`` fonts and images allowed by the policy are the ones inlined in GraphiQL's own
stylesheet; nothing leaves the origin for them. How to update a pinned asset: docs/graphiql.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

ASSET_PATH = "/graphiql/"


@dataclass(frozen=True)
class Asset:
    """One file of ``graphiql_assets/``: where it came from and its pinned digest."""

    name: str
    media_type: str
    package: str  # "name@version" on the npm registry; "" for the files written here
    source: str  # the path inside the package's tarball
    sha256: str


_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"

ASSETS: dict[str, Asset] = {
    asset.name: asset
    for asset in (
        Asset(
            "react.production.min.js",
            _JS,
            "react@18.3.1",
            "umd/react.production.min.js",
            "d949f1c3687aedadcedac85261865f29b17cd273997e7f6b2bfc53b2f9d4c4dd",
        ),
        Asset(
            "react.LICENSE",
            _TEXT,
            "react@18.3.1",
            "LICENSE",
            "52412d7bc7ce4157ea628bbaacb8829e0a9cb3c58f57f99176126bc8cf2bfc85",
        ),
        Asset(
            "react-dom.production.min.js",
            _JS,
            "react-dom@18.3.1",
            "umd/react-dom.production.min.js",
            "35f4f974f4b2bcd44da73963347f8952e341f83909e4498227d4e26b98f66f0d",
        ),
        Asset(
            "react-dom.LICENSE",
            _TEXT,
            "react-dom@18.3.1",
            "LICENSE",
            "52412d7bc7ce4157ea628bbaacb8829e0a9cb3c58f57f99176126bc8cf2bfc85",
        ),
        Asset(
            "graphiql.min.js",
            _JS,
            "graphiql@3.8.3",
            "graphiql.min.js",
            "22faab94067b695e5f7959619fbe686ebcc8955002a0c97d986bcbba4ad4bc2c",
        ),
        Asset(
            "graphiql.min.css",
            _CSS,
            "graphiql@3.8.3",
            "graphiql.min.css",
            "b1868247f8e0502cd869e581f5f3cb55b334862e7f51b1d6cbace11059b9adc2",
        ),
        Asset(
            "graphiql.LICENSE",
            _TEXT,
            "graphiql@3.8.3",
            "LICENSE",
            "4b18fbe55c4e8f9169cb702be138f4d858a2dad920c39857204ffdc9c1c9fdc4",
        ),
        # Ours: the page's start-up script and layout (inline ones would need 'unsafe-inline').
        Asset("start.js", _JS, "", "", ""),
        Asset("page.css", _CSS, "", "", ""),
    )
}

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

GRAPHIQL_HTML = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Saathi gateway · GraphiQL</title>
  <link rel="stylesheet" href="{ASSET_PATH}graphiql.min.css">
  <link rel="stylesheet" href="{ASSET_PATH}page.css">
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="{ASSET_PATH}react.production.min.js"></script>
  <script src="{ASSET_PATH}react-dom.production.min.js"></script>
  <script src="{ASSET_PATH}graphiql.min.js"></script>
  <script src="{ASSET_PATH}start.js"></script>
</body>
</html>
"""


def asset_bytes(name: str) -> bytes:
    """The content of one listed asset (``KeyError`` for any other name)."""
    asset = ASSETS[name]
    return resources.files("gateway").joinpath("graphiql_assets", asset.name).read_bytes()
