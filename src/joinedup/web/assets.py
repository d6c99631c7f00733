"""GOV.UK Frontend's and Leaflet's built files, copied from node_modules into the app's static
folder (both pinned in package.json; Leaflet draws the dashboards' maps, with boundaries the
app serves itself: no tile server, nothing fetched from elsewhere).

`make install` runs `npm ci` (govuk-frontend pinned in package.json to the version
govuk-frontend-django supports) and then `joinedup web build-assets`. The copy lives in
src/joinedup/web/core/static/vendor/govuk-frontend/ and is never committed.

The precompiled stylesheet asks for fonts and images at /assets/...; the copy rewrites those
to paths relative to the stylesheet, so they resolve under /static/ and get hashed names
like every other static file. It also drops the GDS Transport font: GOV.UK Frontend's terms
reserve that typeface for services on GOV.UK, which a council's service is not, so pages fall
back to Arial, as the Design System advises for such services.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from joinedup.errors import ConfigError

REPO = Path(__file__).resolve().parents[3]
NODE_MODULES = REPO / "node_modules"
VENDOR = Path(__file__).resolve().parent / "core" / "static" / "vendor" / "govuk-frontend"
LEAFLET_FILES = ("leaflet.js", "leaflet.js.map", "leaflet.css")  # the map: collectstatic checks it
FILES = ("govuk-frontend.min.css", "govuk-frontend.min.css.map", "govuk-frontend.min.js",
         "govuk-frontend.min.js.map")
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
MISSING = ("GOV.UK Frontend's files are not in {where}. Run `make install` (which runs "
           "`npm ci` and `joinedup web build-assets`) from the joinedup folder.")


def installed_version(node_modules: Path = NODE_MODULES) -> str | None:
    try:
        package = json.loads((node_modules / "govuk-frontend" / "package.json").read_text())
    except (OSError, ValueError):
        return None
    version = package.get("version") if isinstance(package, dict) else None
    return str(version) if version else None


def build_assets(node_modules: Path = NODE_MODULES, dest: Path = VENDOR) -> Path:
    """Copy the dist files and assets into ``dest``; returns ``dest``."""
    dist = node_modules / "govuk-frontend" / "dist" / "govuk"
    if not (dist / FILES[0]).is_file():
        raise ConfigError(MISSING.format(where=dist))
    staging = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in FILES:
        shutil.copy2(dist / name, staging / name)
    css = staging / FILES[0]
    text = FONT_FACE.sub("", css.read_text(encoding="utf-8"))
    css.write_text(text.replace("url(/assets/", "url(assets/"), encoding="utf-8")
    shutil.copytree(dist / "assets", staging / "assets", ignore=shutil.ignore_patterns("fonts"))
    (staging / "VERSION").write_text(f"{installed_version(node_modules)}\n", encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)
    copy_leaflet(node_modules, dest.parent / "leaflet")
    return dest


def copy_leaflet(node_modules: Path, dest: Path) -> Path:
    """Leaflet's script, stylesheet and marker images into ``dest``."""
    dist = node_modules / "leaflet" / "dist"
    if not (dist / LEAFLET_FILES[0]).is_file():
        raise ConfigError(f"Leaflet's files are not in {dist}. Run `make install` (which runs "
                          "`npm ci` and `joinedup web build-assets`) from the joinedup folder.")
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in LEAFLET_FILES:
        shutil.copy2(dist / name, dest / name)
    shutil.copytree(dist / "images", dest / "images")
    return dest


def require_assets(dest: Path = VENDOR) -> None:
    """Fail with what to do when the copy is missing (before serving pages without styles)."""
    if not (dest / FILES[0]).is_file():
        raise ConfigError(MISSING.format(where=dest))
