"""``python -m service`` is the ``canxie`` command."""

from service.cli.main import main

main()
