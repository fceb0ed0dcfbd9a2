"""Opens an uploaded PDF (on stdin) with pypdf and prints what it found as JSON.

Run only by blueprints/uploads.py, in a child process under CPU, memory and time limits:
a PDF built to loop or to expand without end kills this process, not the server.
Prints {"pages": n, "title": "..."} or {"error": "encrypted" | "damaged" | "memory"}.
"""
import io
import json
import logging
import sys


def main() -> int:
    logging.disable(logging.CRITICAL)  # pypdf warns about small faults on stderr
    data = sys.stdin.buffer.read()
    try:
        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            print(json.dumps({"error": "encrypted"}))
            return 0
        pages = len(reader.pages)
        for page in reader.pages:  # walk the whole page tree and each page's box
            _ = page.mediabox
        title = ""
        try:
            title = (reader.metadata or {}).get("/Title") or ""
        except Exception:  # damaged metadata is not a reason to refuse the file
            title = ""
        print(json.dumps({"pages": pages, "title": str(title)[:200]}))
        return 0
    except MemoryError:
        print(json.dumps({"error": "memory"}))
        return 1
    except RecursionError:
        print(json.dumps({"error": "damaged"}))
        return 1
    except Exception:  # any parse failure: the file is refused as damaged
        print(json.dumps({"error": "damaged"}))
        return 1


if __name__ == "__main__":
    sys.exit(main())
