"""Command-line API of the older Flask: app factories that take the
``ScriptInfo`` (Flask < 2.1) and the four-argument ``show_server_banner``
(Flask < 2.2).  Both are resolved by looking at the call: factories and
banner calls written for Flask 3.1 go through unchanged.
"""

from __future__ import annotations

import inspect
import typing as t

from .warn import deprecated

_FACTORY_REPLACEMENT = (
    "a factory taking no script_info argument (use"
    " click.get_current_context().find_object(ScriptInfo) if it is needed)"
)


def _wants_script_info(
    factory: t.Callable[..., t.Any],
    args: t.Sequence[t.Any],
    kwargs: dict[str, t.Any],
    positional: bool,
) -> str | None:
    """How ``factory`` expects the ScriptInfo: ``"keyword"`` (a parameter
    named ``script_info``), ``"positional"`` (with ``positional``: its one
    required parameter, when called without arguments) or ``None``."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return None
    if "script_info" in parameters and "script_info" not in kwargs:
        return "keyword"
    if not positional or args or kwargs or len(parameters) != 1:
        return None
    (only,) = parameters.values()
    if only.default is inspect.Parameter.empty and only.kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        return "positional"
    return None


def call_factory(
    factory: t.Callable[..., t.Any],
    args: t.Sequence[t.Any] = (),
    kwargs: dict[str, t.Any] | None = None,
    script_info: t.Any = None,
    find_script_info: t.Callable[[], t.Any] | None = None,
) -> t.Any:
    """``factory(*args, **kwargs)``; a factory written for Flask < 2.1 that
    takes the ``ScriptInfo`` gets ``script_info`` (or the one of the
    current click context), with a warning.

    Given ``script_info`` (the ``create_app`` callback of a ScriptInfo or
    FlaskGroup, which Flask 3.1 always calls without arguments), a callback
    with one required parameter receives it positionally.  A factory found
    in a module receives it only through a parameter named ``script_info``:
    ``create_app(config)`` keeps Flask 3.1's "could not call it without
    arguments" error."""
    kwargs = dict(kwargs or {})
    how = _wants_script_info(factory, args, kwargs, positional=script_info is not None)
    if how is None:
        return factory(*args, **kwargs)
    if script_info is None and find_script_info is not None:
        script_info = find_script_info()
    name = getattr(factory, "__name__", "factory")
    deprecated(f"An app factory ({name}) taking the ScriptInfo", _FACTORY_REPLACEMENT)
    if how == "keyword":
        kwargs["script_info"] = script_info
        return factory(*args, **kwargs)
    return factory(script_info)


def old_banner_arguments(args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> tuple[t.Any, t.Any]:
    """``(debug, app_import_path)`` of a Flask < 2.2 call
    ``show_server_banner(env, debug, app_import_path, eager_loading)``,
    with a warning (the wrapper is
    :func:`flaskfast._legacy.accept_banner_arguments`)."""
    deprecated(
        "show_server_banner(env, debug, app_import_path, eager_loading)",
        "show_server_banner(debug, app_import_path)",
    )
    names = ("env", "debug", "app_import_path", "eager_loading")
    bound = dict(zip(names, args), **kwargs)
    return bound.get("debug"), bound.get("app_import_path")
