from contextlib import contextmanager

from django.db import connection


@contextmanager
def scratch_database(stdout, keep=False, suffix="_bench"):
    """Create, migrate and (unless `keep`) drop `<database><suffix>`, switching the default
    connection to it meanwhile, so that a benchmark never touches real data."""
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}{suffix}"
    stdout.write(f"Scratch database {old_name}{suffix} on {connection.vendor}…")
    creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        if not keep:
            creation.destroy_test_db(old_name, verbosity=0)
