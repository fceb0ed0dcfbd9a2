"""Static files on a slow network: compressed on the way out, kept for a year at their
content-hashed address; pages and fragments never compressed."""
import gzip
import hashlib
import json
import re
from pathlib import Path

import brotli
import pytest

STATIC = Path(__file__).resolve().parent.parent / "static"
LONG = "public, max-age=31536000, immutable"


def static_addresses(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', page)


def file_behind(address: str) -> bytes:
    return (STATIC / address.split("?")[0].removeprefix("/static/")).read_bytes()


def test_the_layout_asks_for_each_file_by_its_content_hash(client_as):
    page = client_as("practitioner").get("/").get_data(as_text=True)
    addresses = static_addresses(page)
    # the stylesheet, htmx, our own script and the NHS.UK script it imports (preloaded)
    assert len(addresses) == 4
    for address in addresses:
        version = address.split("?v=")[1]
        assert version == hashlib.sha256(file_behind(address)).hexdigest()[:10]


def test_the_script_our_own_imports_is_found_at_its_content_hashed_address(client_as):
    """pathways.js imports NHS.UK frontend by a bare name; the page's import map (allowed
    by this response's nonce) turns it into the address the preload fetched, hash and all,
    so it too is kept a year."""
    client = client_as("practitioner")
    response = client.get("/")
    page = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    found = re.search(r'<script type="importmap" nonce="([^"]+)">(.*?)</script>', page,
                      re.DOTALL)
    assert found and found.group(1) == nonce
    mapped = json.loads(found.group(2))["imports"]["nhsuk-frontend"]
    assert f'<link rel="modulepreload" href="{mapped}">' in page
    assert file_behind(mapped) == (STATIC / "vendor/nhsuk-frontend-10.6.1.min.js").read_bytes()
    assert client.get(mapped).headers["Cache-Control"] == LONG
    # pathways.js names no file of its own to import, which would bypass the hash
    ours = (STATIC / "js/pathways.js").read_text()
    imports = re.findall(r"^import .* from '([^']+)'", ours, re.MULTILINE)
    assert imports == ["nhsuk-frontend"]
    assert page.index('type="importmap"') < page.index('type="module"')


@pytest.mark.parametrize("accept, encoding, unpack", [
    ("gzip, deflate", "gzip", gzip.decompress),
    ("gzip, deflate, br, zstd", "br", brotli.decompress),
    ("", None, lambda body: body),
    ("identity", None, lambda body: body),
])
def test_static_files_are_sent_compressed_when_the_browser_takes_it(client_as, accept,
                                                                     encoding, unpack):
    client = client_as("practitioner")
    for address in static_addresses(client.get("/").get_data(as_text=True)):
        sent = client.get(address, headers={"Accept-Encoding": accept})
        assert sent.status_code == 200
        assert sent.headers.get("Content-Encoding") == encoding
        assert "Accept-Encoding" in sent.headers["Vary"]
        original = file_behind(address)
        body = sent.get_data()
        assert unpack(body) == original  # nothing lost or changed on the way
        if encoding and len(original) > 10_000:
            assert len(body) < len(original) / 3
        assert sent.headers["Cache-Control"] == LONG
        assert sent.headers["X-Content-Type-Options"] == "nosniff"


def test_the_stylesheet_and_scripts_of_a_first_visit_shrink_to_a_fifth(client_as):
    client = client_as("practitioner")
    addresses = static_addresses(client.get("/").get_data(as_text=True))
    plain = sum(len(client.get(a, headers={"Accept-Encoding": ""}).get_data())
                for a in addresses)
    packed = sum(len(client.get(a, headers={"Accept-Encoding": "gzip"}).get_data())
                 for a in addresses)
    assert plain > 300_000 and packed < plain / 5


def test_a_browser_that_has_the_file_is_told_it_has_not_changed(client_as):
    client = client_as("practitioner")
    address = static_addresses(client.get("/").get_data(as_text=True))[0]
    first = client.get(address, headers={"Accept-Encoding": "gzip"})
    again = client.get(address, headers={"Accept-Encoding": "gzip",
                                         "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


@pytest.mark.parametrize("path", ["/", "/people?q=%3Cscript%3Ealert(1)%3C/script%3E",
                                  "/people/notes?q=hostel", "/directory/?q=%27housing"])
def test_pages_are_never_compressed(client_as, path):
    """Each page carries a CSRF token beside text the user typed: compressing the two
    together would let an eavesdropper guess the token from the sizes (BREACH)."""
    client = client_as("practitioner")
    for response in (client.get(path, headers={"Accept-Encoding": "gzip, br"}),
                     client.hx_get(path, headers={"Accept-Encoding": "gzip, br"})):
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query", ["", "?v=0", "?v=49d5439d8", "?v=%3Cscript%3E",
                                   "?v=%27%20OR%201%3D1--", "?v=../../app.py"])
def test_only_the_current_hash_earns_the_long_cache(client_as, query):
    """An old or made-up version keeps the hour, so a file that changed is asked for
    again within the hour even at an address some page still holds."""
    sent = client_as("practitioner").get("/static/vendor/htmx-2.0.11.min.js" + query)
    assert sent.status_code == 200
    assert sent.headers["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/..%2Fapp.py",
                                  "/static/vendor/missing.js", "/static/%2e%2e/README.md"])
def test_a_name_outside_the_static_folder_is_not_found(client_as, path):
    sent = client_as("practitioner").get(path + "?v=0", headers={"Accept-Encoding": "gzip"})
    assert sent.status_code == 404
    assert "immutable" not in sent.headers.get("Cache-Control", "")
    assert "Content-Encoding" not in sent.headers
