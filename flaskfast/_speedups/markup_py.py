"""HTML escaping kernel, pure-Python twin (the spec for ``markup_c``).

:func:`escape` is :func:`markupsafe.escape`: ``&``, ``<``, ``>``, ``'`` and
``"`` become ``&amp;``, ``&lt;``, ``&gt;``, ``&#39;`` and ``&#34;``, the
result is a :class:`markupsafe.Markup`, an object with ``__html__`` gives
that method's result unescaped, anything else is converted with ``str``
first. Templates compiled by flaskfast's environment call it for every
autoescaped ``{{ ... }}`` output. The pure twin is markupsafe's own function
(itself backed by markupsafe's C escaping); the compiled twin gives the same
results for every argument.
"""

from __future__ import annotations

from markupsafe import escape as escape

__all__ = ["escape"]
