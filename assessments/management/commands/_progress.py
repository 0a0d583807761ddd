import sys


class ProgressBar:
    """A one-line text progress bar; redraws only when the shown fraction changes.

    On a terminal it redraws in place; elsewhere (CI logs) it prints a line per tenth.
    """

    def __init__(self, stdout, label, width=30):
        self.stdout, self.label, self.width = stdout, label, width
        self.tty = getattr(sys.stdout, "isatty", lambda: False)()
        self.shown = -1

    def __call__(self, done, total):
        steps = self.width if self.tty else 10
        step = steps * done // max(total, 1)
        if step == self.shown:
            return
        self.shown = step
        filled = self.width * done // max(total, 1)
        bar = f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        if self.tty:
            self.stdout.write(f"\r{bar}", ending="\n" if done >= total else "")
            self.stdout.flush()
        else:
            self.stdout.write(bar)
