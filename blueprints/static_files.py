"""Our own static files on a slow court network: sent compressed, and kept by the browser
for a year when asked for by the content-hashed address the pages use.

The stylesheet and scripts are 389 KB as written and 56 KB compressed; the first
page a practitioner opens on a slow network waits for all of them. Pages and fragments
are never compressed: each carries a CSRF token beside text the user typed (a search,
a form sent back with its errors), the pairing that a compression side channel (BREACH)
reads secrets through.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request, url_for
from flask_compress import Compress
from werkzeug.security import safe_join

# Only our static files' types: never text/html, JSON or CSV (pages, exports).
COMPRESSED_TYPES = ["text/css", "text/javascript", "application/javascript", "image/svg+xml"]
LONG_CACHE = "public, max-age=31536000, immutable"

compress = Compress()


class StaticFiles:
    """Content hashes of the files under static/, worked out once per file."""

    def __init__(self, folder: str):
        self.folder = folder
        self._digests: dict[str, str] = {}
        self._urls: dict[tuple[str, str], str] = {}

    def digest(self, filename: str) -> str | None:
        """First ten hex digits of the file's SHA-256; None for a name outside static/ or
        no file (only real files are remembered, so the map cannot grow without end)."""
        if filename not in self._digests:
            path = safe_join(self.folder, filename)
            if path is None or not Path(path).is_file():
                return None
            self._digests[filename] = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]
        return self._digests[filename]

    def url(self, filename: str) -> str:
        """The file's address with its hash (`?v=`), once per file and application root."""
        key = (filename, request.script_root)
        if key not in self._urls:
            self._urls[key] = url_for("static", filename=filename,
                                      v=self.digest(filename) or "0")
        return self._urls[key]

    def after_request(self, response):
        """A static file asked for with its current hash cannot change at that address,
        so the browser keeps it for a year without asking again; any other static request
        keeps Flask's hour (SEND_FILE_MAX_AGE_DEFAULT) and revalidates. Then compression,
        for static files only: pages and fragments pass through untouched."""
        if request.endpoint != "static":
            return response
        if response.status_code in (200, 304):
            wanted = request.args.get("v")
            filename = (request.view_args or {}).get("filename", "")
            if wanted and wanted == self.digest(filename):
                response.headers["Cache-Control"] = LONG_CACHE
        return compress.after_request(response)


def init_static_files(app: Flask) -> StaticFiles:
    app.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        # Brotli where the browser takes it (HTTPS), gzip otherwise, whether the server
        # sends the file whole or as a stream. Compressed as it is sent: at these levels,
        # 4 ms for the stylesheet, once per browser while the file is unchanged.
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br", "gzip"],
        COMPRESS_BR_LEVEL=6,
        COMPRESS_LEVEL=6,
        COMPRESS_REGISTER=False,  # called from StaticFiles.after_request, for static/ only
    )
    compress.init_app(app)
    files = StaticFiles(app.static_folder)
    app.after_request(files.after_request)
    app.jinja_env.globals["static_url"] = files.url
    return files
