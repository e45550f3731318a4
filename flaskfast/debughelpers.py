"""Exceptions and helpers that explain common mistakes in debug mode."""

from __future__ import annotations

import typing as t

from jinja2.loaders import BaseLoader as BaseLoader
from werkzeug.routing import RequestRedirect as RequestRedirect

from .globals import request_ctx as request_ctx

if t.TYPE_CHECKING:  # pragma: no cover
    from .sansio.app import App
    from .sansio.blueprints import Blueprint
    from .sansio.scaffold import Scaffold
    from .wrappers import Request


def __getattr__(name: str) -> t.Any:
    # ``App`` and ``Blueprint`` are importable from here as in Flask, but are
    # resolved lazily: the sansio modules import the templating module, which
    # imports this one, so a top-level import would be circular.
    if name == "App":
        from .sansio.app import App

        return App
    if name == "Blueprint":
        from .sansio.blueprints import Blueprint

        return Blueprint
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "App", "Blueprint"])


class UnexpectedUnicodeError(AssertionError, UnicodeError):
    """Raised in debug mode where a text/bytes mix-up is the likely cause."""


class DebugFilesKeyError(KeyError, AssertionError):
    """``request.files[key]`` missing while the form has a field ``key``.

    That almost always means the HTML form lacks
    ``enctype="multipart/form-data"``, so the browser sent file names only.
    """

    def __init__(self, request: Request, key: str) -> None:
        submitted = request.form.getlist(key)
        parts = [
            f"request.files has no entry {key!r}. The request's mimetype is"
            f" {request.mimetype!r}, not 'multipart/form-data', so no file"
            " contents were transmitted. Add enctype=\"multipart/form-data\""
            " to the HTML form that uploads the file."
        ]
        if submitted:
            names = ", ".join(repr(name) for name in submitted)
            parts.append(
                "\n\nOnly the file name(s) reached the server, as form data."
                f" This was submitted: {names}"
            )
        self.msg = "".join(parts)

    def __str__(self) -> str:
        return self.msg


class FormDataRoutingRedirect(AssertionError):
    """A routing redirect whose code makes clients drop the request body.

    Raised in debug mode instead of answering a POST (or similar) with a 301
    or 302 redirect, because browsers would re-send it as a GET without the
    form data.
    """

    def __init__(self, request: Request) -> None:
        exc = t.cast(RequestRedirect, request.routing_exception)
        new_url = exc.new_url
        parts = [
            f"The request to {request.url!r} was redirected by routing to the"
            f" canonical URL {new_url!r}."
        ]
        if new_url.partition("?")[0] == f"{request.base_url}/":
            parts.append(
                " The route is defined with a trailing slash, so requests"
                " without it are redirected to the URL with it."
            )
        parts.append(
            f" Browsers drop form data when following a {exc.code} redirect."
            " Send requests to the canonical URL, or use 307 or 308 for"
            " routing redirects."
            "\n\nThis exception is only raised in debug mode."
        )
        super().__init__("".join(parts))


def attach_enctype_error_multidict(request: Request) -> None:
    """Make ``request.files[key]`` raise :class:`DebugFilesKeyError` when the
    key is missing from the files but present in the form."""
    files = request.files
    base = type(files)

    class _ExplainingFiles(base):  # type: ignore[valid-type,misc]
        def __getitem__(self, key: str) -> t.Any:
            try:
                return super().__getitem__(key)
            except KeyError as exc:
                if key not in request.form:
                    raise
                raise DebugFilesKeyError(request, key).with_traceback(
                    exc.__traceback__
                ) from None

    # Keep the class looking like the original in reprs and tracebacks.
    _ExplainingFiles.__name__ = base.__name__
    _ExplainingFiles.__qualname__ = base.__qualname__
    _ExplainingFiles.__module__ = base.__module__
    files.__class__ = _ExplainingFiles


def _dump_loader_info(loader: BaseLoader) -> t.Iterator[str]:
    # Describe a loader by its class and its simple public attributes.
    cls = type(loader)
    yield f"class: {cls.__module__}.{cls.__name__}"
    for name, value in sorted(vars(loader).items()):
        if name.startswith("_"):
            continue
        if isinstance(value, (tuple, list)):
            if not all(isinstance(item, str) for item in value):
                continue
            yield f"{name}:"
            for item in value:
                yield f"  - {item}"
        elif isinstance(value, (str, int, float, bool)):
            yield f"{name}: {value!r}"


def explain_template_loading_attempts(
    app: App,
    template: str,
    attempts: list[
        tuple[
            BaseLoader,
            Scaffold,
            tuple[str, str | None, t.Callable[[], bool] | None] | None,
        ]
    ],
) -> None:
    """Log, at INFO on ``app.logger``, which loaders were asked for
    ``template`` and what each returned (enabled by
    ``EXPLAIN_TEMPLATE_LOADING``)."""
    from .sansio.app import App
    from .sansio.blueprints import Blueprint

    lines = [f"Locating template {template!r}:"]
    found = 0
    for number, (loader, source, result) in enumerate(attempts, start=1):
        if isinstance(source, App):
            where = f"application {source.import_name!r}"
        elif isinstance(source, Blueprint):
            where = f"blueprint {source.name!r} ({source.import_name})"
        else:
            where = repr(source)
        lines.append(f"{number:5}: trying loader of {where}")
        lines.extend(f"       {info}" for info in _dump_loader_info(loader))
        if result is None:
            outcome = "no match"
        else:
            found += 1
            outcome = f"found ({result[1] or '<string>'!r})"
        lines.append(f"       -> {outcome}")

    suspicious = True
    if found == 0:
        lines.append("Error: the template could not be found.")
    elif found > 1:
        lines.append("Warning: more than one loader found the template.")
    else:
        suspicious = False

    blueprint = request_ctx.request.blueprint if request_ctx else None
    if suspicious and blueprint is not None:
        lines.append(
            "  The template was looked up from an endpoint that belongs to"
            f" the blueprint {blueprint!r}."
        )
        lines.append("  Is the template in that blueprint's template folder?")
        lines.append("  See https://flask.palletsprojects.com/blueprints/#templates")

    app.logger.info("\n".join(lines))
