"""Progress on stderr: a rich bar on a terminal, a plain line every few seconds when piped, none quiet."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeRemainingColumn
from rich.progress import Progress as Bar
from rich.text import Text

from privprep.progress import Progress

PLAIN_EVERY = 5.0  # seconds between plain lines


class Rate(ProgressColumn):
    """Rows (or columns) done per second in the current stage."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} {task.fields.get('unit', '')}/s" if speed else "", style="dim")


class Count(ProgressColumn):
    def render(self, task: Task) -> Text:
        if task.fields.get("unit") == "steps":
            return Text("")
        total = f"{task.total:,.0f}" if task.total is not None else "?"
        return Text(f"{task.completed:,.0f}/{total} {task.fields.get('unit', '')}")


class ProgressView:
    """``apply(progress=view)``: draws what a run reports; use as a context manager."""

    def __init__(self, console: Console, quiet: bool = False, every: float = PLAIN_EVERY) -> None:
        self.console, self.quiet, self.every = console, quiet, every
        self.bar: Bar | None = None
        self.stage, self.stage_start, self.last_line = "", 0.0, 0.0

    def __enter__(self) -> ProgressView:
        if not self.quiet and self.console.is_terminal:
            columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), Count(), Rate())
            self.bar = Bar(*columns, TimeRemainingColumn(), console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("starting", total=None, unit="steps")
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, event: Progress) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        if event.stage != self.stage or event.unit == "steps":
            self.stage, self.stage_start, self.last_line = event.stage, now, now
            if self.bar is not None:
                self.bar.reset(self.task, total=event.total, description=event.stage, unit=event.unit)
        if self.bar is not None:
            self.bar.update(self.task, completed=event.done, total=event.total)
        elif event.unit != "steps" and now - self.last_line >= self.every:
            self.last_line = now
            self.console.print(_line(event, now - self.stage_start), highlight=False, markup=False)


def _line(event: Progress, seconds: float) -> str:
    """``write: 1,200,000 of 5,000,000 rows (24%), 400,000 rows/s``."""
    share = f" ({event.done / event.total:.0%})" if event.total else ""
    total = f" of {event.total:,}" if event.total is not None else ""
    rate = f", {event.done / seconds:,.0f} {event.unit}/s" if seconds > 0 else ""
    return f"{event.stage}: {event.done:,}{total} {event.unit}{share}{rate}"
