"""Blueprint with the parts that need an active app: static files,
resource access and the blueprint's CLI group."""

from __future__ import annotations

import os
import typing as t

from .globals import current_app as current_app
from .helpers import _configured_send_file_max_age
from .helpers import _send_from_directory
from .helpers import send_from_directory as send_from_directory
from .sansio.blueprints import Blueprint as SansioBlueprint
from .sansio.blueprints import BlueprintSetupState as BlueprintSetupState
from .sansio.scaffold import _sentinel as _sentinel

if t.TYPE_CHECKING:  # pragma: no cover
    from .cli import AppGroup as AppGroup
    from .wrappers import Response


def __getattr__(name: str) -> t.Any:
    # PERF: ``AppGroup`` (and with it click) is imported when asked for, not
    # with flaskfast (bench/import_time.py).
    if name == "AppGroup":
        from .cli import AppGroup

        return AppGroup
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Blueprint(SansioBlueprint):
    """A blueprint usable with :class:`~flaskfast.Flask`; see the sansio
    :class:`~flaskfast.sansio.blueprints.Blueprint` for the parameters."""

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _sentinel,  # type: ignore[assignment]
    ) -> None:
        super().__init__(
            name,
            import_name,
            static_folder,
            static_url_path,
            template_folder,
            url_prefix,
            subdomain,
            url_defaults,
            root_path,
            cli_group,
        )
        # ``self.cli`` (an AppGroup named after the blueprint) is created by
        # the scaffold; registration attaches it according to ``cli_group``.

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Cache max-age (seconds) for :meth:`send_static_file`: the app's
        ``SEND_FILE_MAX_AGE_DEFAULT`` (``None`` means conditional requests
        only). Override for per-file policies."""
        return _configured_send_file_max_age()

    def send_static_file(self, filename: str) -> Response:
        """View serving ``filename`` from :attr:`static_folder`.

        :raises RuntimeError: the blueprint has no static folder.
        """
        if not self.has_static_folder:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        # Called for its max-age so subclasses can override it per file.
        max_age = self.get_send_file_max_age(filename)
        return _send_from_directory(
            t.cast(str, self.static_folder), filename, max_age=max_age
        )

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.AnyStr]:
        """Open ``resource`` (relative to :attr:`root_path`) for reading.

        :param mode: ``"rb"`` (default), ``"r"`` or ``"rt"``.
        :param encoding: text encoding; ignored in binary mode.
        :raises ValueError: ``mode`` would allow writing.
        """
        if mode not in {"r", "rt", "rb"}:
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)
