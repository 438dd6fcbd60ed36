"""Typer's and Click's frame in Danish, in one place: usage lines, help headings, the help
option, value types and every usage error. Typer vendors its Click without gettext, so the
texts are replaced where they are used: the help panel's constants, the usage prefix, the
type labels, and each error message translated once, when it is shown (`dansk_fejl`)."""

from __future__ import annotations

import re
from typing import Any

from typer import _click, completion, core, main, rich_utils
from typer._click import formatting

# Click's error messages → Danish. Applied in order, each anywhere in the message, so a
# nested message ("Invalid value for '--x': 'y' is not one of …") is translated whole.
_FEJL: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in (
        (r"Missing option (.+?)\.$", r"Mangler tilvalget \1."),
        (r"Missing argument (.+?)\.$", r"Mangler argumentet \1."),
        (r"Missing parameter: (.+)", r"Mangler \1."),
        (r"Missing command\.", "Mangler en kommando."),
        (r"No such command (.+?)\.$", r"Ukendt kommando \1."),
        (r"\(Possible options: (.+)\)", r"(mulige tilvalg: \1)"),
        (r"Did you mean (.+)\?", r"Mente du \1?"),
        (r"No such option: ", "Ukendt tilvalg: "),
        (r"Got unexpected extra arguments? \((.+)\)", r"Uventet ekstra argument (\1)"),
        (r"Invalid value for (.+?): ", r"Ugyldig værdi for \1: "),
        (r"Invalid value: ", "Ugyldig værdi: "),
        (r"Value error, ", ""),
        (r"Option (.+?) requires an argument\.", r"Tilvalget \1 kræver en værdi."),
        (r"Option (.+?) requires (\d+) arguments\.", r"Tilvalget \1 kræver \2 værdier."),
        (r"Option (.+?) does not take a value\.", r"Tilvalget \1 tager ingen værdi."),
        (r"(.+?) is not one of (.+)\.", r"\1 er ikke en af \2."),
        (r"(.+?) is not a valid integer( range)?\.?", r"\1 er ikke et heltal."),
        (r"(.+?) is not a valid float( range)?\.?", r"\1 er ikke et tal."),
        (r"(.+?) is not a valid boolean\.?", r"\1 er hverken ja eller nej."),
        (r"(.+?) is not in the range (.+?)\.", r"\1 er uden for intervallet \2."),
        (r"(File|Directory|Path) (.+?) does not exist\.", r"\2 findes ikke."),
        (r"(File|Directory|Path) (.+?) is a directory\.", r"\2 er en mappe."),
        (r"(File|Directory|Path) (.+?) is a file\.", r"\2 er en fil."),
        (r" or ", " eller "),
    )
]

_TYPER = {
    "path": "sti",
    "str": "tekst",
    "int": "heltal",
    "float": "tal",
    "datetime": "dato",
    "int range": "heltal",
    "float range": "tal",
}


def dansk_fejl(message: str) -> str:
    """One of Click's usage errors in Danish (our own Danish messages pass unchanged)."""
    for pattern, replacement in _FEJL:
        message = pattern.sub(replacement, message)
    return message


def _usage(text: str) -> str:
    return (
        text.replace("[OPTIONS]", "[TILVALG]")
        .replace("COMMAND [ARGS]...", "KOMMANDO [ARGUMENTER]...")
        .replace("Usage: ", "Brug: ")
    )


def _format_error(self: _click.ClickException) -> None:
    """Typer's error output with Danish frame and message: the usage line, where to get help,
    and the message — on stderr, exit code unchanged (2)."""
    if self.__class__.__name__ == "NoArgsIsHelpError":
        return
    console = rich_utils._get_rich_console(stderr=True)
    ctx: _click.Context | None = getattr(self, "ctx", None)
    if ctx is not None:
        console.print(_usage(ctx.get_usage()), markup=False, highlight=False, soft_wrap=True)
        console.print(
            f"Se '{ctx.command_path} {ctx.help_option_names[0]}' for hjælp.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    message = f"Fejl: {dansk_fejl(self.format_message())}"
    console.print(message, markup=False, highlight=False, soft_wrap=True)


def _display_type(self: core.TyperOption, ctx: _click.Context) -> str | None:
    """A flag shows no value type (it takes none); other types by their Danish name."""
    if self.is_flag:
        return None
    label = _ORIGINAL_DISPLAY_TYPE(self, ctx)
    if label is None:
        return None
    inner = label.strip("<>")
    return f"<{_TYPER.get(inner, inner)}>"


_ORIGINAL_DISPLAY_TYPE = core.TyperOption.display_type_rich
_ORIGINAL_HELP_OPTION = core.TyperCommand.get_help_option
_ORIGINAL_GROUP_HELP_OPTION = core.TyperGroup.get_help_option
_ORIGINAL_WRITE_USAGE = formatting.HelpFormatter.write_usage
_ORIGINAL_COMPLETION_PARAMS = completion.get_completion_inspect_parameters


def _help_option(original: Any) -> Any:
    def get_help_option(self: Any, ctx: _click.Context) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = "Vis denne hjælp, og afslut."
        return option

    return get_help_option


def _write_usage(
    self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None
) -> None:
    _ORIGINAL_WRITE_USAGE(self, prog, _usage(args), "Brug: " if prefix is None else prefix)


def _completion_params() -> Any:
    install, show = _ORIGINAL_COMPLETION_PARAMS()
    install.default.help = "Installér kommandoudfyldning (tab) for den aktuelle skal."
    show.default.help = "Vis kommandoudfyldningen for den aktuelle skal, til at kopiere."
    return install, show


def install() -> None:
    """Put the Danish frame in place (idempotent; app.py calls it on import)."""
    rich_utils.REQUIRED_LONG_STRING = "[påkrævet]"
    rich_utils.DEFAULT_STRING = "[standard: {}]"
    rich_utils.ENVVAR_STRING = "[miljøvariabel: {}]"
    rich_utils.DEPRECATED_STRING = "(forældet) "
    rich_utils.ARGUMENTS_PANEL_TITLE = "Argumenter"
    rich_utils.OPTIONS_PANEL_TITLE = "Tilvalg"
    rich_utils.COMMANDS_PANEL_TITLE = "Kommandoer"
    rich_utils.ERRORS_PANEL_TITLE = "Fejl"
    rich_utils.ABORTED_TEXT = "Afbrudt."
    rich_utils.RICH_HELP = "Se '{command_path} {help_option}' for hjælp."
    rich_utils.rich_format_error = _format_error  # type: ignore[assignment]
    core.TyperOption.display_type_rich = _display_type  # type: ignore[method-assign]
    core.TyperCommand.get_help_option = _help_option(_ORIGINAL_HELP_OPTION)  # type: ignore[method-assign]
    core.TyperGroup.get_help_option = _help_option(_ORIGINAL_GROUP_HELP_OPTION)  # type: ignore[method-assign]
    formatting.HelpFormatter.write_usage = _write_usage  # type: ignore[method-assign]
    main.get_completion_inspect_parameters = _completion_params
