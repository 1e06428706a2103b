"""`python -m bot.cli`: the same as the `lotse` command."""

from bot.cli.main import main

main()
