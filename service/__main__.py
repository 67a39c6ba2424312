"""``python -m service`` is the ``canxie`` command."""

from service.cli import main

main()
