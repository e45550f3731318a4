"""``python -m flaskfast``: the flaskfast command line."""

from __future__ import annotations

from .cli import main

main()
