"""flaskfast's version: the one place it is written.

``pyproject.toml`` reads it for the distribution's metadata (setuptools'
``attr:``, read from this file's text without importing flaskfast), and
``flaskfast --version`` prints it.
"""

from __future__ import annotations

__version__ = "0.2.0"
