"""Test helpers: a WSGI test client and a CLI runner bound to an app."""

from __future__ import annotations

import importlib.metadata
import typing as t
from contextlib import contextmanager
from contextlib import ExitStack
from copy import copy
from types import TracebackType
from urllib.parse import urlsplit

import werkzeug.test
from click.testing import CliRunner
from click.testing import Result
from werkzeug.test import Client
from werkzeug.wrappers import Request as BaseRequest

from .cli import ScriptInfo
from .sessions import SessionMixin

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.test import TestResponse

    from .app import Flask

# Environ key the app calls with each context it is about to pop.
_PRESERVE_KEY = "werkzeug.debug.preserve_context"


class EnvironBuilder(werkzeug.test.EnvironBuilder):
    """A werkzeug ``EnvironBuilder`` whose defaults come from ``app``.

    Unless ``base_url`` is given, the host is ``SERVER_NAME`` (or
    ``localhost``) optionally prefixed by ``subdomain``, the script root is
    ``APPLICATION_ROOT`` and the scheme is ``url_scheme`` or
    ``PREFERRED_URL_SCHEME``. A full URL as ``path`` supplies its own scheme,
    host and query. JSON bodies are serialised with ``app.json``.
    """

    def __init__(
        self,
        app: Flask,
        path: str = "/",
        base_url: str | None = None,
        subdomain: str | None = None,
        url_scheme: str | None = None,
        *args: t.Any,
        **kwargs: t.Any,
    ) -> None:
        if base_url is not None and (subdomain or url_scheme):
            raise AssertionError('Cannot pass "subdomain" or "url_scheme" with "base_url".')

        if base_url is None:
            config = app.config
            host = config.get("SERVER_NAME") or "localhost"
            if subdomain:
                host = f"{subdomain}.{host}"
            if url_scheme is None:
                url_scheme = config["PREFERRED_URL_SCHEME"]
            root = (config["APPLICATION_ROOT"] or "/").lstrip("/")
            parts = urlsplit(path)
            base_url = f"{parts.scheme or url_scheme}://{parts.netloc or host}/{root}"
            path = f"{parts.path}?{parts.query}" if parts.query else parts.path

        # Must be set before the base class serialises a ``json`` argument.
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialise ``obj`` with the app's JSON provider."""
        return self.app.json.dumps(obj, **kwargs)


_werkzeug_version = ""


def _get_werkzeug_version() -> str:
    global _werkzeug_version
    # PERF: metadata lookup reads files; do it once per process.
    if not _werkzeug_version:
        _werkzeug_version = importlib.metadata.version("werkzeug")
    return _werkzeug_version


class FlaskClient(Client):
    """Test client for an app (``app.test_client()``).

    Inside ``with client:`` the contexts of the last request stay pushed
    after it returns, so ``request``, ``session`` and ``g`` can be inspected;
    they are popped at the next request or when the block ends.
    """

    application: Flask

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.preserve_context = False
        self._new_contexts: list[t.ContextManager[t.Any]] = []
        self._context_stack = ExitStack()
        self.environ_base = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": f"Werkzeug/{_get_werkzeug_version()}",
        }

    @contextmanager
    def session_transaction(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Iterator[SessionMixin]:
        """Open the client's session for direct editing.

        The session is loaded from the client's cookies through the app's
        session interface; changes are saved back into the cookie jar when
        the block ends. Arguments go to ``app.test_request_context``.

        :raises TypeError: the client was made with ``use_cookies=False``.
        :raises RuntimeError: the session interface opened no session (for
            the default one: no ``SECRET_KEY``).

        For example, to act as a logged-in user without posting the login
        form::

            with client.session_transaction() as session:
                session["user_id"] = 1
            assert client.get("/notes/").status_code == 200
        """
        if self._cookies is None:
            raise TypeError(
                "Cookies are disabled. Create a client with 'use_cookies=True'."
            )

        app = self.application
        interface = app.session_interface
        ctx = app.test_request_context(*args, **kwargs)
        self._add_cookies_to_wsgi(ctx.request.environ)

        with ctx:
            sess = interface.open_session(app, ctx.request)

        if sess is None:
            raise RuntimeError("Session backend did not open a session.")

        yield sess

        if interface.is_null_session(sess):
            return

        resp = app.response_class()
        with ctx:
            interface.save_session(app, sess, resp)

        self._update_cookies_from_response(
            ctx.request.host.partition(":")[0],
            ctx.request.path,
            resp.headers.getlist("Set-Cookie"),
        )

    def _copy_environ(self, other: WSGIEnvironment) -> WSGIEnvironment:
        out = {**self.environ_base, **other}
        if self.preserve_context:
            out[_PRESERVE_KEY] = self._new_contexts.append
        return out

    def _request_from_builder_args(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> BaseRequest:
        kwargs["environ_base"] = self._copy_environ(kwargs.get("environ_base", {}))
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            return builder.get_request()
        finally:
            builder.close()

    def open(
        self,
        *args: t.Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Send a request; accepts builder arguments, an ``EnvironBuilder``,
        a WSGI environ dict or a ``Request``, like werkzeug's client.
        """
        first = args[0] if args else None
        if isinstance(first, werkzeug.test.EnvironBuilder):
            builder = copy(first)
            builder.environ_base = self._copy_environ(builder.environ_base or {})  # type: ignore[arg-type]
            request = builder.get_request()
        elif isinstance(first, dict):
            request = EnvironBuilder.from_environ(
                first, app=self.application, environ_base=self._copy_environ({})
            ).get_request()
        elif isinstance(first, BaseRequest):
            request = copy(first)
            request.environ = self._copy_environ(request.environ)
        else:
            request = self._request_from_builder_args(args, kwargs)

        # Contexts kept from an earlier request (or an earlier hop of a
        # redirect chain) must not leak into this one.
        self._context_stack.close()
        # Contexts handed over by a redirect's earlier hop are already popped;
        # only the final request's contexts are kept.
        self._new_contexts.clear()

        response = super().open(
            request, buffered=buffered, follow_redirects=follow_redirects
        )
        response.json_module = self.application.json  # type: ignore[assignment]

        # Re-push what the app handed over, app context first.
        kept = self._new_contexts
        while kept:
            self._context_stack.enter_context(kept.pop(0))

        return response

    def __enter__(self) -> FlaskClient:
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations")
        self.preserve_context = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.preserve_context = False
        self._context_stack.close()


class FlaskCliRunner(CliRunner):
    """Click ``CliRunner`` for an app's commands (``app.test_cli_runner()``).

    ``invoke()`` defaults to ``app.cli`` and to a :class:`ScriptInfo` that
    returns this app.
    """

    def __init__(self, app: Flask, **kwargs: t.Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(  # type: ignore[override]
        self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any
    ) -> Result:
        """Run a command line in isolation, as :meth:`click.testing.CliRunner.invoke`
        does, and return its :class:`click.testing.Result`.

        :param cli: the command to run; defaults to the app's ``app.cli``.
        :param args: the command line's arguments, as a list of strings.
        :param kwargs: passed to click's ``invoke``; ``obj`` defaults to a
            :class:`~flaskfast.cli.ScriptInfo` that loads this runner's app.

        For example::

            result = app.test_cli_runner().invoke(args=["init-db"])
            assert result.exit_code == 0
        """
        if cli is None:
            cli = self.app.cli
        if "obj" not in kwargs:
            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(cli, args, **kwargs)
