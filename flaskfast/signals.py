"""The blinker signals Flask sends, with Flask's signal names.

Connect with ``signal.connect(receiver, app)``; the sender is always the
application object.
"""

from __future__ import annotations

import typing as t

from blinker import Namespace

# All signals live in one namespace; names match Flask's so code that looks
# signals up by name keeps working.
_signals = Namespace()

#: Sent after a template was rendered (``template``, ``context``).
template_rendered = _signals.signal("template-rendered")
#: Sent before a template is rendered (``template``, ``context``).
before_render_template = _signals.signal("before-render-template")
#: Sent when request handling starts, before ``before_request`` functions.
request_started = _signals.signal("request-started")
#: Sent with the final ``response`` before it is returned to the server.
request_finished = _signals.signal("request-finished")
#: Sent when the request context is torn down (``exc``).
request_tearing_down = _signals.signal("request-tearing-down")
#: Sent when an unhandled exception reaches the app (``exception``).
got_request_exception = _signals.signal("got-request-exception")
#: Sent when the application context is torn down (``exc``).
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
#: Sent after an application context was pushed.
appcontext_pushed = _signals.signal("appcontext-pushed")
#: Sent after an application context was popped.
appcontext_popped = _signals.signal("appcontext-popped")
#: Sent by ``flash()`` (``message``, ``category``).
message_flashed = _signals.signal("message-flashed")


def __getattr__(name: str) -> t.Any:
    if name.startswith("__"):
        # Dunder probes (``__path__`` by every ``from module import``)
        # never name the older API.
        raise AttributeError(name)
    # Names of the older Flask API (see flaskfast._legacy.names).
    from ._legacy.names import lookup

    return lookup("flaskfast.signals", name)
