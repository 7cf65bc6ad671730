"""Why an input cannot be reviewed. The CLI turns these into one line on stderr and exit 2."""

from nianbao.errors import UserError


class LoadError(UserError):
    """The file cannot be read as a report: the message names the reason in Chinese."""


class NotAReportError(LoadError):
    """The file was read, but it is not a 政府信息公开工作年度报告."""


class LimitError(LoadError):
    """The file goes past a limit no real report reaches (docs/limits-files.md): ``what`` names it."""

    def __init__(self, what: str):
        super().__init__(f"{what}，不像年度报告，已拒绝")
