"""The one base of every error whose message is meant for a user. It sits below every layer
(extractors included) so that each layer can say why it stops without knowing who listens: the CLI
prints the message as one line on stderr and exits with ``status``; the bot posts it to the channel."""


class UserError(Exception):
    """Something the user can fix or has to know, said in one Chinese sentence (``str(exc)``)."""

    status = 2  # the CLI's exit status: an input, a setting or a usage the command cannot work with
