"""Helpers usable from views: responses, URLs, flashing, files, streaming.

Most helpers delegate to the current application (``current_app.url_for``,
``current_app.redirect``, ``current_app.aborter`` ...) so that an app
subclass can change their behaviour in one place.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import typing as t
from datetime import datetime
from datetime import timedelta
from functools import cache as cache
from functools import update_wrapper as update_wrapper

import werkzeug.utils
from werkzeug.exceptions import abort as _wz_abort
from werkzeug.utils import redirect as _wz_redirect
from werkzeug.wrappers import Response as BaseResponse

from ._speedups import pipeline as _pipeline
from ._legacy import accept_old_keywords as _accept_old_keywords
from .globals import _cv_app
from .globals import _cv_request
from .globals import current_app as current_app
from .globals import request as request
from .globals import request_ctx as request_ctx
from .globals import session as session
from .signals import message_flashed as message_flashed

if t.TYPE_CHECKING:  # pragma: no cover
    from .wrappers import Response

_FALSE_WORDS = frozenset(("0", "false", "no"))

# PERF: url_for is compiled with the request pipeline, so that a call from a
# view or a template runs no Python frame of flaskfast (bench/bench_url_for.py).
url_for = _pipeline.url_for
url_for.__module__ = __name__  # where Flask defines it, and where it is documented
# Blueprint names are split where the pipeline uses them most.
_split_blueprint_path = _pipeline._split_blueprint_path


def get_debug_flag() -> bool:
    """True when the ``FLASK_DEBUG`` environment variable asks for debug
    mode (any non-empty value other than ``0``, ``false`` or ``no``).
    """
    value = os.environ.get("FLASK_DEBUG")
    return bool(value) and value.lower() not in _FALSE_WORDS  # type: ignore[union-attr]


def get_load_dotenv(default: bool = True) -> bool:
    """Whether ``.env``/``.flaskenv`` files should be loaded.

    ``FLASK_SKIP_DOTENV`` set to anything but ``0``, ``false`` or ``no``
    disables loading; when it is unset or empty, ``default`` is returned.
    """
    value = os.environ.get("FLASK_SKIP_DOTENV")
    if not value:
        return default
    return value.lower() in _FALSE_WORDS


_NO_STREAM_CONTEXT = (
    "'stream_with_context' can only be used when a request context is active,"
    " such as in a view function."
)


def stream_with_context(
    generator_or_function: t.Iterator[t.AnyStr] | t.Callable[..., t.Iterator[t.AnyStr]],
) -> t.Iterator[t.AnyStr] | t.Callable[[t.Iterator[t.AnyStr]], t.Iterator[t.AnyStr]]:
    """Keep the current app and request contexts available while a streamed
    response body is produced.

    Pass an iterator (usually a generator) and get back a generator that
    pushes the captured contexts again while it runs, so ``request``,
    ``session`` and ``g`` work inside it even though the view has already
    returned.  Used as a decorator on a generator function, it wraps every
    generator that function returns.

    Raises :class:`RuntimeError` when no request context is active.

    For example::

        @app.route("/export")
        def export():
            def rows():
                for note in load_notes(session["user_id"]):  # session works here
                    yield f"{note.id},{note.title}\n"
            return stream_with_context(rows()), {"Content-Type": "text/csv"}
    """
    try:
        gen = iter(generator_or_function)  # type: ignore[arg-type]
    except TypeError:
        func = t.cast("t.Callable[..., t.Iterator[t.AnyStr]]", generator_or_function)

        def wrap_result(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return stream_with_context(func(*args, **kwargs))

        return update_wrapper(wrap_result, func)

    req_ctx = _cv_request.get(None)
    if req_ctx is None:
        raise RuntimeError(_NO_STREAM_CONTEXT)
    app_ctx = _cv_app.get()

    def run() -> t.Iterator[t.AnyStr]:
        try:
            # Parked here until the server starts iterating.  If the
            # response is closed before that, the ``finally`` still closes
            # the wrapped iterator.
            yield None  # type: ignore[misc]
            # Contexts are pushed by whoever iterates (possibly another
            # thread), and popped there too.
            with app_ctx, req_ctx:
                yield from gen
        finally:
            close = getattr(gen, "close", None)
            if close is not None:
                close()

    stream = run()
    next(stream)
    return stream


def make_response(*args: t.Any) -> Response:
    """Turn a view-style return value into a response object.

    No arguments gives an empty ``app.response_class()``; one argument is
    converted on its own; several are treated as a ``(body, status,
    headers)`` tuple.  Conversion is done by ``current_app.make_response``,
    so the same values a view may return are accepted, and a
    :class:`TypeError` names a value that is not. Useful in a view to add
    headers before returning.

    For example::

        @app.route("/notes.txt")
        def notes_text():
            response = make_response("\n".join(titles()))
            response.mimetype = "text/plain"
            response.headers["X-Count"] = str(len(titles()))
            return response

    :raises RuntimeError: outside an application context.
    """
    if not args:
        return current_app.response_class()
    if len(args) == 1:
        return current_app.make_response(args[0])
    return current_app.make_response(args)


def redirect(
    location: str, code: int = 302, Response: type[BaseResponse] | None = None
) -> BaseResponse:
    """Return a redirect response to ``location``.

    Inside an app context this is ``current_app.redirect(location, code)``;
    outside one, Werkzeug's ``redirect`` is used (``Response`` then selects
    the response class). ``code`` is the redirect status (302 by default;
    303 after a form post, 307/308 to repeat the method and body).

    For example::

        return redirect(url_for("notes.index"))
    """
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        return app_ctx.app.redirect(location, code=code)
    return _wz_redirect(location, code=code, Response=Response)


def abort(code: int | BaseResponse, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTP exception registered for ``code`` (or raise the given
    response wrapped in an exception).

    Inside an app context ``current_app.aborter`` is used, so custom codes
    added to its mapping work; outside one, Werkzeug's ``abort``. Further
    arguments go to the exception (``description=`` for the error page).
    Never returns; the error handler registered for the code (or the
    default error page) makes the response.

    :raises LookupError: ``code`` has no exception class.

    For example::

        note = db.get_note(note_id)
        if note is None:
            abort(404, description="No such note.")
    """
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        app_ctx.app.aborter(code, *args, **kwargs)
    _wz_abort(code, *args, **kwargs)


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """Return the top-level name ``attribute`` (a macro or a variable set
    with ``{% set %}``) of the template ``template_name``, so Python code can
    call a macro the templates use.

    :raises jinja2.TemplateNotFound: no such template.
    :raises RuntimeError: outside an application context.

    For example, with ``{% macro badge(text) %}...{% endmacro %}`` in
    ``_macros.html``::

        badge = get_template_attribute("_macros.html", "badge")
        html = badge("new")
    """
    template = current_app.jinja_env.get_template(template_name)
    return getattr(template.module, attribute)


def flash(message: str, category: str = "message") -> None:
    """Store ``message`` in the session so the next request can show it.

    ``category`` is free text; ``"message"``, ``"error"``, ``"info"`` and
    ``"warning"`` are the usual choices.  Sends ``message_flashed``. The
    messages live in the session, so the app needs a ``SECRET_KEY``
    (otherwise the null session's :class:`RuntimeError`); read them with
    :func:`get_flashed_messages`, usually in the base template.

    For example::

        flash("Note saved.")
        flash("Wrong password.", "error")
    """
    # Reassign (not append in place) so the session sees a write.
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # PERF: skip the signal machinery when nobody listens.
    if message_flashed.receivers:
        message_flashed.send(
            app, _async_wrapper=app.ensure_sync, message=message, category=category
        )


def get_flashed_messages(
    with_categories: bool = False, category_filter: t.Iterable[str] = ()
) -> list[str] | list[tuple[str, str]]:
    """Remove the flashed messages from the session and return them.

    Within one request the same list is returned on every call.  With
    ``with_categories`` the items are ``(category, message)`` pairs;
    ``category_filter`` keeps only the listed categories.

    For example, in a template::

        {% for category, text in get_flashed_messages(with_categories=true) %}
          <p class="flash {{ category }}">{{ text }}</p>
        {% endfor %}
    """
    ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
    flashes = getattr(ctx, "flashes", None)
    if flashes is None:
        flashes = session.pop("_flashes") if "_flashes" in session else []
        ctx.flashes = flashes
    if category_filter:
        wanted = set(category_filter)
        flashes = [item for item in flashes if item[0] in wanted]
    if with_categories:
        return flashes
    return [item[1] for item in flashes]


def _configured_send_file_max_age() -> int | None:
    """``SEND_FILE_MAX_AGE_DEFAULT`` of the current app in seconds, or
    ``None`` (conditional requests only); the default of both
    ``Flask.get_send_file_max_age`` and ``Blueprint.get_send_file_max_age``."""
    value = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
    if value is None:
        return None
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return value  # type: ignore[no-any-return]


def _prepare_send_file_kwargs(**kwargs: t.Any) -> dict[str, t.Any]:
    """Fill in the app-derived defaults Werkzeug's send functions need."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if kwargs.get("max_age") is None:
        kwargs["max_age"] = app.get_send_file_max_age
    kwargs.update(
        environ=request.environ,
        use_x_sendfile=app.config["USE_X_SENDFILE"],
        response_class=app.response_class,
        _root_path=app.root_path,
    )
    return kwargs


@_accept_old_keywords
def send_file(
    path_or_file: os.PathLike[t.AnyStr] | str | t.IO[bytes],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: None | (int | t.Callable[[str | None], int | None]) = None,
) -> Response:
    """Send a file (path relative to the app's root path, or a binary file
    object) as the response.

    Wraps :func:`werkzeug.utils.send_file`, supplying the request environ,
    ``USE_X_SENDFILE``, the app's response class and, unless ``max_age`` is
    given, ``app.get_send_file_max_age`` for caching. The arguments are
    werkzeug's: ``mimetype`` (guessed from the name when left out),
    ``as_attachment`` and ``download_name`` (a download rather than inline),
    ``conditional`` (answer range and if-modified requests, on by default),
    ``etag``, ``last_modified`` and ``max_age``.

    Never pass a path taken from the request: use
    :func:`send_from_directory` for that.

    :raises FileNotFoundError: the path does not exist.

    For example::

        return send_file(report_path, as_attachment=True,
                         download_name="report.csv")
    """
    return werkzeug.utils.send_file(  # type: ignore[return-value]
        **_prepare_send_file_kwargs(
            path_or_file=path_or_file,
            mimetype=mimetype,
            as_attachment=as_attachment,
            download_name=download_name,
            conditional=conditional,
            etag=etag,
            last_modified=last_modified,
            max_age=max_age,
        )
    )


@_accept_old_keywords
def send_from_directory(
    directory: os.PathLike[str] | str,
    path: os.PathLike[str] | str,
    **kwargs: t.Any,
) -> Response:
    """Send ``path`` from inside ``directory``, refusing paths that escape
    it (404).  Never pass an unchecked user path as ``directory``.

    Other keyword arguments go to :func:`send_file`.

    :raises werkzeug.exceptions.NotFound: ``path`` escapes ``directory``,
        or is not a file in it.

    For example, serving uploads by name from the instance folder::

        @app.route("/uploads/<path:name>")
        def upload(name):
            return send_from_directory(
                os.path.join(app.instance_path, "uploads"), name
            )
    """
    return werkzeug.utils.send_from_directory(  # type: ignore[return-value]
        directory, path, **_prepare_send_file_kwargs(**kwargs)
    )


#: :func:`send_from_directory` without the pre-2.0 keyword names: what
#: flaskfast's own static-file views call (no legacy check per file).
_send_from_directory: t.Callable[..., Response] = send_from_directory.__wrapped__  # type: ignore[attr-defined]


def get_root_path(import_name: str) -> str:
    """Directory containing the module or package ``import_name``.

    Falls back to the current working directory when the module cannot be
    located (not importable, ``__main__`` run interactively, namespace
    package).  Avoids importing the module when its location can be found
    from its import spec.
    """
    module = sys.modules.get(import_name)
    if module is not None:
        filename: str | None = getattr(module, "__file__", None)
        if filename is not None:
            return os.path.dirname(os.path.abspath(filename))

    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    loader = spec.loader if spec is not None else None
    if loader is None:
        return os.getcwd()

    get_filename = getattr(loader, "get_filename", None)
    filepath: str | None
    if get_filename is not None:
        filepath = get_filename(import_name)
    else:
        # Loader cannot tell where it loads from; import and look.
        __import__(import_name)
        filepath = getattr(sys.modules[import_name], "__file__", None)
        if filepath is None:
            raise RuntimeError(
                f"Cannot determine a root path for {import_name!r}: its loader"
                " gives no file name and the imported module has no __file__"
                " (for example a namespace package). Pass root_path"
                " explicitly to the application or blueprint."
            )
    return os.path.dirname(os.path.abspath(t.cast(str, filepath)))


def __getattr__(name: str) -> t.Any:
    if name.startswith("__"):
        # Dunder probes (``__path__`` by every ``from module import``)
        # never name the older API.
        raise AttributeError(name)
    # Names of the older Flask API (see flaskfast._legacy.names).
    from ._legacy.names import lookup

    return lookup("flaskfast.helpers", name)
