"""The app page's scripts, styles and fonts: where they are, and one handler that serves them
from memory, compressed.

A page loads about ninety files (4,9 MB) from Voila's folders. Voila's handlers look each one
up in up to thirty folders, hash its whole content for the ETag and send it uncompressed, for
every page: with twenty members opening the app at once that was most of the server's work,
and 100 MB over the meeting room's Wi-Fi. :class:`Assets` finds a file once (the same folders
in the same order as Voila, see :func:`asset_paths`), keeps it with its gzip form (about a
quarter of the size) and its ETag, and checks its size and time on disk at every request (an
upgraded file is read again). :class:`AssetHandler` serves them: gzip to browsers that accept
it, ``304 Not Modified`` for a file the browser has, a year's caching for a versioned URL
(``?v=…``, the name changes with the content) and ``no-cache`` (ask again, mostly 304) for the
rest, as Voila does.

Used by ``prioritisation app`` (``commands._voila``) for ``voila/static``, ``voila/templates``
and ``voila/labextensions``, and by a hub member's launcher (:mod:`prioritisation.app.hub.member`),
which serves them itself after the login check.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from tornado import web

TEMPLATE = "prioritisation"  # the app's Voila template (prioritisation/app/config/voila.json)
YEAR = 365 * 24 * 3600
SMALLEST_GZIP = 256  # below this many bytes compression gains nothing worth a header


def jupyter_data() -> str:
    """The app's own Jupyter data folder (its Voila template and kernel spec)."""
    return str(Path(__file__).resolve().parent / "jupyter")


def asset_paths() -> dict[str, list[str]]:
    """The folders Voila serves ``voila/static/``, the app template's files
    (``voila/templates/prioritisation/static/``) and ``voila/labextensions/`` from, found as
    Voila finds them (its own functions, with the app's Jupyter folder first on
    ``JUPYTER_PATH`` as ``prioritisation app`` puts it).

    >>> paths = asset_paths()
    >>> any(p.endswith("templates/prioritisation/static") for p in paths["voila/static/"])
    True
    >>> paths["voila/templates/prioritisation/static/"] == paths["voila/static/"][:-1]
    True
    >>> any(p.endswith("labextensions") for p in paths["voila/labextensions/"])
    True
    """
    before = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = jupyter_data() + (os.pathsep + before if before else "")
    try:
        from jupyter_server import DEFAULT_STATIC_FILES_PATH
        from voila.paths import collect_static_paths
        from voila.utils import get_voila_labextensions_path

        template = collect_static_paths(["voila", "nbconvert"], TEMPLATE)
        labextensions = get_voila_labextensions_path()
    finally:
        if before is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = before
    return {
        "voila/static/": [*template, DEFAULT_STATIC_FILES_PATH],
        f"voila/templates/{TEMPLATE}/static/": list(template),
        "voila/labextensions/": labextensions,
    }


@dataclass(frozen=True)
class Asset:
    """One file as it is served: its bytes, its gzip form (``None`` when that is not smaller),
    its ETag and content type, and the size and time on disk it was read at."""

    path: str
    data: bytes
    gz: bytes | None
    etag: str
    content_type: str
    stamp: tuple[int, int]


def content_type(path: str) -> str:
    """As tornado's static files: from the name, ``application/octet-stream`` when unknown.

    >>> content_type("a/voila.js"), content_type("index.css"), content_type("x.unknownext")
    ('text/javascript', 'text/css', 'application/octet-stream')
    """
    kind, encoding = mimetypes.guess_type(path)
    if encoding == "gzip":
        return "application/gzip"
    if kind == "application/javascript":
        return "text/javascript"
    return kind or "application/octet-stream"


class Assets:
    """The files below ``roots`` (the first root that has a file wins), read once and kept.

    ``roots`` is a list of folders, or a function of the URL path returning ``(folders,
    path within them)`` (Voila's template files: ``NAME/static/FILE`` is ``FILE`` in the
    template ``NAME``'s static folders). Nothing outside the folders is ever served: ``..``,
    absolute paths and links that lead out are not found.
    """

    def __init__(self, roots):
        self.roots = roots
        self.cache: dict[str, Asset] = {}
        self._real: dict[str, str] = {}

    def _folders(self, path: str) -> tuple[list[str], str]:
        if callable(self.roots):
            return self.roots(path)
        return list(self.roots), path

    def _real_root(self, root: str) -> str:
        real = self._real.get(root)
        if real is None:
            real = self._real[root] = os.path.realpath(root)
        return real

    def locate(self, path: str) -> str | None:
        """The file a URL path names, or ``None`` (not there, not a file, or outside)."""
        if "\x00" in path or "\\" in path:
            return None
        try:
            folders, relative = self._folders(path)
        except (ValueError, KeyError):
            return None
        parts = relative.split("/")
        if not relative or relative.startswith("/") or any(p in ("", ".", "..") for p in parts):
            return None
        for root in folders:
            candidate = os.path.join(root, *parts)
            if not os.path.isfile(candidate):
                continue
            real, inside = os.path.realpath(candidate), self._real_root(root)
            if real.startswith(inside.rstrip(os.sep) + os.sep):
                return real
            return None  # a link that leads out of the folder: not served (as tornado)
        return None

    def get(self, path: str) -> Asset | None:
        """The file for ``path`` (read again when it changed on disk), or ``None``."""
        asset = self.cache.get(path)
        if asset is not None:
            try:
                st = os.stat(asset.path)
            except OSError:
                st = None
            if st is not None and (st.st_size, st.st_mtime_ns) == asset.stamp:
                return asset
            self.cache.pop(path, None)
        found = self.locate(path)
        if found is None:
            return None
        asset = read_asset(found)
        if asset is not None:
            self.cache[path] = asset
        return asset


def read_asset(path: str) -> Asset | None:
    """The file at ``path`` ready to serve (``None`` if it cannot be read)."""
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            data = f.read()
    except OSError:
        return None
    gz = None
    if len(data) >= SMALLEST_GZIP:
        packed = gzip.compress(data, compresslevel=6, mtime=0)
        gz = packed if len(packed) < len(data) else None
    etag = '"' + hashlib.blake2b(data, digest_size=16).hexdigest() + '"'
    return Asset(path, data, gz, etag, content_type(path), (st.st_size, st.st_mtime_ns))


class AssetHandler(web.RequestHandler):
    """Serves :class:`Assets` (see the module); ``GET`` and ``HEAD`` only."""

    def initialize(self, assets: Assets) -> None:
        self.assets = assets

    def compute_etag(self) -> str | None:
        return None  # the asset's own ETag is set; tornado must not hash the body again

    def get(self, path: str) -> None:
        self.serve(path, include_body=True)

    def head(self, path: str) -> None:
        self.serve(path, include_body=False)

    def serve(self, path: str, include_body: bool = True) -> None:
        asset = self.assets.get(path)
        if asset is None:
            raise web.HTTPError(404)
        self.set_header("Content-Type", asset.content_type)
        self.set_header("Etag", asset.etag)
        self.set_header("Vary", "Accept-Encoding")
        if self.get_query_argument("v", None):
            self.set_header("Cache-Control", f"public, max-age={YEAR}, immutable")
        else:
            self.set_header("Cache-Control", "no-cache")
        if asset.etag in _etags(self.request.headers.get("If-None-Match", "")):
            self.set_status(304)
            return
        body = asset.data
        if asset.gz is not None and accepts_gzip(self.request.headers.get("Accept-Encoding", "")):
            self.set_header("Content-Encoding", "gzip")
            body = asset.gz
        self.set_header("Content-Length", len(body))
        if include_body:
            self.write(body)


def _etags(header: str) -> set[str]:
    """The ETags of an ``If-None-Match`` header (weak ones compared by their value).

    >>> sorted(_etags('W/"a", "b"'))
    ['"a"', '"b"']
    """
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (not when it says ``gzip;q=0``).

    >>> accepts_gzip("gzip, deflate, br"), accepts_gzip("br"), accepts_gzip("gzip;q=0")
    (True, False, False)
    >>> accepts_gzip("*")
    True
    """
    found = {}
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name.strip():
            found[name.strip().lower()] = q
    if "gzip" in found:
        return found["gzip"] > 0
    return found.get("*", 0) > 0


def template_static(path: str) -> tuple[list[str], str]:
    """Voila's template files: ``NAME/static/FILE`` is ``FILE`` in the template ``NAME``'s
    static folders (as Voila's ``TemplateStaticFileHandler``)."""
    template, static, relative = path.split("/", 2)
    if static != "static" or not template or template.startswith("."):
        raise ValueError(path)
    return list(_template_folders(template)), relative


def _template_folders(template: str) -> tuple[str, ...]:
    return _folders_of(template, os.environ.get("JUPYTER_PATH"))  # as Voila: on JUPYTER_PATH


@functools.lru_cache(maxsize=16)  # bounded: any name in a URL would otherwise stay kept
def _folders_of(template: str, _jupyter_path: str | None) -> tuple[str, ...]:
    from voila.paths import collect_static_paths

    return tuple(collect_static_paths(["voila", "nbconvert"], template))


__all__ = [
    "Asset",
    "AssetHandler",
    "Assets",
    "TEMPLATE",
    "accepts_gzip",
    "asset_paths",
    "content_type",
    "jupyter_data",
    "read_asset",
    "template_static",
]
