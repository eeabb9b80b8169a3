"""A child process that records the ceremony step of a case inside a transaction, says so,
and then holds the transaction open until it is killed: a server killed in the middle of a
request, after its writes and before its commit.

    python -m tests.reliability.hold_step CASE_ID
"""

from __future__ import annotations

import sys
import time

import django


def main(case_id: int) -> None:
    django.setup()
    from django.db import transaction

    from dangvien.admission.models import Case
    from tests.reliability.cases import record_ceremony

    with transaction.atomic():
        record_ceremony(Case.objects.get(pk=case_id))
        print("recorded", flush=True)
        time.sleep(600)


if __name__ == "__main__":
    main(int(sys.argv[1]))
