"""The ``flaskfast bench`` click command.

It loads the application here once (so an unknown app is a usage error), picks
the targets (:mod:`.targets`), runs each implementation in its own process
(:mod:`.runner`) behind a progress bar on standard error, and prints the table
or, with ``--json``, the document of :mod:`.report`.
"""

from __future__ import annotations

import collections.abc as cabc
import json
import sys
import traceback
import typing as t

import click

from ..cli import NoAppException
from ..cli import ScriptInfo
from . import report
from . import runner
from . import targets as targets_

_REQUEST_OPTIONS = "flaskfast.bench.request_options"


class BenchCommand(click.Command):
    """A command that also remembers the order of ``--url``, ``--data`` and
    ``--header`` (:func:`.targets.group_request_options`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        value_options = {
            spelling: param.name
            for param in self.get_params(ctx)
            if isinstance(param, click.Option) and not param.is_flag and param.name
            for spelling in param.opts + param.secondary_opts
        }
        try:
            grouped = targets_.group_request_options(args, value_options)
        except ValueError as e:
            raise click.UsageError(str(e), ctx=ctx) from None
        rest = super().parse_args(ctx, args)
        ctx.meta[_REQUEST_OPTIONS] = grouped
        return rest


def _set_app(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def _load_app(ctx: click.Context, info: ScriptInfo) -> t.Any:
    try:
        return info.load_app()
    except NoAppException:
        raise
    except Exception as e:
        last = "".join(traceback.format_exception_only(type(e), e)).strip()
        raise click.UsageError(
            f"The application failed to load: {last}\n(See the whole traceback"
            " with 'flaskfast --app ... routes'.)",
            ctx=ctx,
        ) from None


@click.command(
    "bench",
    cls=BenchCommand,
    short_help="Measure the app's requests/s on flaskfast and Flask.",
)
@click.option(
    "-A",
    "--app",
    metavar="IMPORT",
    is_eager=True,
    expose_value=False,
    callback=_set_app,
    help="The application, as for 'flaskfast --app' (it may be given either place).",
)
@click.option(
    "-u",
    "--url",
    "url",
    metavar="'[METHOD] PATH'",
    multiple=True,
    help=(
        "A request to measure, instead of every GET route without URL"
        " arguments: '/', '/search?q=x' or 'POST /api/items'. Repeatable."
    ),
)
@click.option(
    "-d",
    "--data",
    "data",
    metavar="BODY",
    multiple=True,
    help=(
        "The body of the --url before it; '@file' reads a file. Without a"
        " Content-Type header it is sent as form data."
    ),
)
@click.option(
    "-H",
    "--header",
    "header",
    metavar="'NAME: VALUE'",
    multiple=True,
    help=(
        "A header of the --url before it; before any --url (or without"
        " --url), a header of every request, such as a session cookie."
    ),
)
@click.option(
    "--duration",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    default=1.0,
    show_default=True,
    help="Seconds of measuring per URL and implementation.",
)
@click.option(
    "--warmup",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    default=0.2,
    show_default=True,
    help="Seconds of unmeasured calls before each measurement.",
)
@click.option(
    "--impl",
    "implementations",
    type=click.Choice(runner.IMPLEMENTATIONS),
    multiple=True,
    help=(
        "Measure only these (repeatable): 'compiled' (flaskfast's kernels),"
        " 'pure' (FLASKFAST_NO_EXTENSIONS=1), 'flask' (the real Flask)."
        "  [default: all that are installed]"
    ),
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a JSON document instead of the table (its keys are listed in the README, 'Measure your own app').",
)
@click.pass_context
def bench_command(
    ctx: click.Context,
    url: tuple[str, ...],
    data: tuple[str, ...],
    header: tuple[str, ...],
    duration: float,
    warmup: float,
    implementations: tuple[str, ...],
    as_json: bool,
) -> None:
    """Measure the application's requests per second, in-process.

    Each GET route without required URL arguments (or each --url) is called
    as a WSGI server calls the app, for --duration seconds after a warm-up,
    on flaskfast compiled, on flaskfast in pure Python and, when it is
    installed, on the real Flask, each in a process of its own (an app
    written for flaskfast runs unmodified on Flask there). Requests carry no
    cookies unless a --header gives them.

    \b
    Examples:
      flaskfast --app examples.notes bench
      flaskfast bench --app app --url / --url 'GET /search?q=x'
      flaskfast bench --url 'POST /api/items' --data '{"a": 1}' \\
          --header 'Content-Type: application/json'
    """
    info = ctx.ensure_object(ScriptInfo)
    if info.create_app is not None:
        raise click.UsageError("bench needs an application given by --app or FLASK_APP.", ctx=ctx)
    # The command line is checked before the application is loaded.
    grouped = ctx.meta.get(_REQUEST_OPTIONS)
    if grouped is None:  # invoked without parsing a command line
        if data:
            raise click.UsageError("--data can only be given on the command line, after its --url.", ctx=ctx)
        grouped = targets_.RequestOptions(list(header), [(u, None, []) for u in url])
    try:
        chosen = targets_.targets_from_options(grouped)
        common = [targets_.parse_header(text) for text in grouped.common_headers]
    except ValueError as e:
        raise click.UsageError(str(e), ctx=ctx) from None
    app = _load_app(ctx, info)
    skipped: list[targets_.Skipped] = []
    if not grouped.urls:
        chosen, skipped = targets_.discover(app.url_map, common)
    if not chosen:
        raise click.UsageError(
            "No route to measure: the app has no GET route without required URL"
            " arguments. Give the URLs with --url '/path'.",
            ctx=ctx,
        )

    names = [n for n in runner.IMPLEMENTATIONS if not implementations or n in implementations]
    outcomes = _run_all(info.app_import_path, chosen, names, duration, warmup)
    if not any(o.measured for o in outcomes):
        reasons = "; ".join(
            f"{runner.LABELS[o.name]}: {(o.unavailable or o.failure or '').strip()}" for o in outcomes
        )
        raise click.ClickException(f"Nothing was measured. {reasons}")

    document = report.build_document(
        info.app_import_path, duration, warmup, chosen, skipped, outcomes
    )
    for warning in document["warnings"]:
        click.secho(f"Warning: {warning}", err=True, fg="yellow")
    if as_json:
        click.echo(json.dumps(document, indent=2))
    else:
        click.echo(report.render_table(document))


def _run_all(
    app_import_path: str | None,
    chosen: cabc.Sequence[targets_.Target],
    names: cabc.Sequence[str],
    duration: float,
    warmup: float,
) -> list[runner.Outcome]:
    """Run every implementation in turn, behind one progress bar."""
    outcomes = []
    urls = f"{len(chosen)} URL{'' if len(chosen) == 1 else 's'}"
    with click.progressbar(
        length=len(names) * len(chosen),
        label=f"Measuring {urls} on {', '.join(runner.LABELS[n] for n in names)}",
        file=sys.stderr,
    ) as bar:
        for name in names:
            outcome = runner.run_implementation(
                name, app_import_path, chosen, duration, warmup,
                on_progress=lambda index: bar.update(1),
            )
            # A worker that stopped early still moves the bar to its end.
            bar.update(sum(1 for result in outcome.results if result is None))
            outcomes.append(outcome)
    return outcomes
