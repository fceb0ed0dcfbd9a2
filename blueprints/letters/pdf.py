"""PDF copies of letters, made by LibreOffice when it is installed on the server.

Each conversion runs `soffice --headless --convert-to pdf` in a fresh temporary folder
with its own LibreOffice profile (so two conversions never share a lock) and a time limit;
nothing is left behind. Without LibreOffice, Pathways says so and offers the DOCX only.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 60


class PdfUnavailable(RuntimeError):
    """No PDF can be made; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def convert_to_pdf(docx: bytes, timeout: int = TIMEOUT_SECONDS) -> bytes:
    """The PDF of a DOCX; PdfUnavailable when LibreOffice is missing, fails or is too slow."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable("PDF is not available: LibreOffice is not installed on this "
                             "server. Download the Word document instead.")
    with tempfile.TemporaryDirectory(prefix="pathways-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "letter.docx"
        source.write_bytes(docx)
        command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                   "--headless", "--norestore", "--convert-to", "pdf",
                   "--outdir", str(folder), str(source)]
        try:
            subprocess.run(command, cwd=folder, capture_output=True, timeout=timeout,
                           check=True)
        except subprocess.TimeoutExpired:
            raise PdfUnavailable("Making the PDF took too long. Download the Word document "
                                 "instead, or try again in a minute.") from None
        except (subprocess.CalledProcessError, OSError):
            raise PdfUnavailable("LibreOffice could not make a PDF of this letter. Download "
                                 "the Word document instead.") from None
        result = folder / "letter.pdf"
        if not result.exists():
            raise PdfUnavailable("LibreOffice could not make a PDF of this letter. Download "
                                 "the Word document instead.")
        return result.read_bytes()
