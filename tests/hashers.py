"""The password hasher of the tests: Argon2, as on the site, at its smallest cost.

Argon2's deliberate cost (100 MB and two passes per hash, tenths of a second) is paid four
times by every named world the tests build, which was a third of the suite's time. The tests
prove that passwords are checked and stored, not how slowly: the same algorithm and code
path at the least cost do that. `tests/accounts/test_audit_and_login.py` holds the site's own
setting to Django's Argon2 at its full cost.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB, Argon2's least for one lane
    parallelism = 1
