"""The dashboard: server-rendered Jinja2 templates, a stylesheet and inline-SVG charts.

Every asset ships with the package (no CDN). Untrusted text is always escaped:
templates autoescape, and :mod:`claimledger.web.highlight` builds the
highlighted article HTML by escaping each text segment itself.
"""

from __future__ import annotations

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
