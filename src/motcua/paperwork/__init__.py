"""Printable paperwork of the one-stop desk: Circular 03/2025 Forms 01–06 for a dossier and the dossier
register (Form 07) as PDF and Excel. PDFs embed the DejaVu fonts shipped in `fonts/`, never system fonts."""

from .forms import render_form
from .register import register_xlsx, render_register

__all__ = ["register_xlsx", "render_form", "render_register"]
