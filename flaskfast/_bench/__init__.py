"""``flaskfast bench``: requests per second of the user's own application.

The command (:mod:`.command`) loads the application once to find what to
measure (:mod:`.targets`), then runs one fresh interpreter per implementation
(:mod:`.runner`): flaskfast with its compiled kernels, flaskfast in pure
Python, and the real Flask when it is installed. Each of those runs
:mod:`.worker`, which loads the application again and calls it as a WSGI
server would, on a prebuilt environ, for a fixed time per URL.
:mod:`.report` turns the measurements into a table or a JSON document.

Nothing here is imported by ``import flaskfast``: the command line registers
the command by name and imports it when it is used.
"""
