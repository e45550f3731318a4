"""Example applications built on flaskfast; ``make run`` serves :mod:`examples.notes`."""
