"""The application layer shared by every capability: the caller, the scope rules, disclosure.

Each capability's ``service/<capability>/application.py`` holds its commands and reads;
the HTTP routes, the CLI and the web UI translate to and from them.
"""

from service.application.caller import Caller, operator, provenance_of

__all__ = ["Caller", "operator", "provenance_of"]
