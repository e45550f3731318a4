"""Class-based views: :class:`View` and the per-HTTP-method
:class:`MethodView`.
"""

from __future__ import annotations

import typing as t

from . import typing as ft
from .globals import current_app as current_app
from .globals import request as request

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

#: Lower-case names of the HTTP methods :class:`MethodView` dispatches to.
http_method_funcs = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)


class View:
    """Base class for class-based views.

    Subclass it, implement :meth:`dispatch_request`, and register the result
    of :meth:`as_view` with ``app.add_url_rule``.  URL variables arrive as
    keyword arguments of :meth:`dispatch_request`.

    Class attributes configure the generated view function:
    :attr:`methods`, :attr:`provide_automatic_options`, :attr:`decorators`
    and :attr:`init_every_request`.

    For example::

        class NoteList(View):
            methods = ["GET"]

            def __init__(self, template):
                self.template = template

            def dispatch_request(self, page=1):
                return render_template(self.template, notes=notes_page(page))

        app.add_url_rule(
            "/notes/<int:page>", view_func=NoteList.as_view("notes", "notes.html")
        )
    """

    #: HTTP methods the route accepts; ``None`` leaves the choice to
    #: ``add_url_rule`` (``GET`` plus the automatic ones).
    methods: t.ClassVar[t.Collection[str] | None] = None

    #: Copied onto the view function; ``None`` lets the app decide whether
    #: to answer ``OPTIONS`` itself.
    provide_automatic_options: t.ClassVar[bool | None] = None

    #: Decorators applied, in order, to the generated view function (not
    #: to the class, which is created per request).
    decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = []

    #: Create a new instance for every request (the default).  Set to False
    #: to share one instance, created in :meth:`as_view`, across requests;
    #: that instance must then not store per-request state on ``self``.
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self) -> ft.ResponseReturnValue:
        """Handle the request and return a view return value.  Subclasses
        must override this.
        """
        raise NotImplementedError()

    @classmethod
    def as_view(
        cls, name: str, *class_args: t.Any, **class_kwargs: t.Any
    ) -> ft.RouteCallable:
        """Return a view function for this class, registered under ``name``.

        ``class_args``/``class_kwargs`` are passed to the constructor.  The
        function carries ``view_class`` (which may be reassigned to swap the
        class), ``methods`` and ``provide_automatic_options``.
        """
        if cls.init_every_request:

            def view(**kwargs: t.Any) -> ft.ResponseReturnValue:
                instance = view.view_class(  # type: ignore[attr-defined]
                    *class_args, **class_kwargs
                )
                return current_app.ensure_sync(instance.dispatch_request)(**kwargs)  # type: ignore[no-any-return]

        else:
            shared = cls(*class_args, **class_kwargs)

            def view(**kwargs: t.Any) -> ft.ResponseReturnValue:
                return current_app.ensure_sync(shared.dispatch_request)(**kwargs)  # type: ignore[no-any-return]

        if cls.decorators:
            # Decorators such as functools.wraps users copy these.
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)

        # Set after decorating so the outermost function carries them.
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        return view


class MethodView(View):
    """View that calls the method named after the request's HTTP method
    (``get``, ``post``, ...).  ``HEAD`` falls back to ``get``.

    Unless a subclass sets :attr:`methods` itself, it is computed when the
    class is created from the handlers it defines plus the ``methods`` of
    its bases.

    For example, one class for a JSON resource::

        class NoteAPI(MethodView):
            def get(self, note_id):
                return db.get_note(note_id)

            def delete(self, note_id):
                db.delete_note(note_id)
                return "", 204

        app.add_url_rule("/api/notes/<int:note_id>",
                         view_func=NoteAPI.as_view("note_api"))
        # NoteAPI.methods == {"GET", "DELETE"}
    """

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return
        methods: set[str] = set()
        for base in cls.__bases__:
            base_methods = getattr(base, "methods", None)
            if base_methods:
                methods.update(base_methods)
        for name in http_method_funcs:
            if hasattr(cls, name):
                methods.add(name.upper())
        if methods:
            cls.methods = methods

    def dispatch_request(self, **kwargs: t.Any) -> ft.ResponseReturnValue:
        """Call the method named after the request's HTTP method, lower-cased
        (``get``, ``post`` ...; ``HEAD`` falls back to ``get``), with the
        URL's arguments, and return its result (through
        :meth:`Flask.ensure_sync`, so ``async def`` handlers work).

        :raises AssertionError: the class has no method for the request's
            method (routing normally refuses such a request with 405 first).
        """
        method = request.method
        handler = getattr(self, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            # Flask raises AssertionError here; kept for compatibility.
            raise AssertionError(f"Unimplemented method {method!r}")
        return current_app.ensure_sync(handler)(**kwargs)  # type: ignore[no-any-return]
