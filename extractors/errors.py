"""Why an input cannot be reviewed. The CLI turns these into one line on stderr and exit 2."""


class LoadError(Exception):
    """The file cannot be read as a report: the message names the reason in Chinese."""


class NotAReportError(LoadError):
    """The file was read, but it is not a 政府信息公开工作年度报告."""
