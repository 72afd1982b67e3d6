"""Two reviewers deciding the same return at the same moment on SQLite (the one-machine mode): exactly one wins and
the other gets the conflict (409) — never "database is locked" (issue 11: a 500 in 38 of 48 rounds before).

Real processes on a real SQLite file, released together by a barrier: the test database of pytest-django is
in memory and shared by threads, so it cannot show this.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json, multiprocessing as mp, os, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "kepu_portal.settings"
    ROUNDS = int(sys.argv[1])

    def decide(barrier, pk, username, queue):
        import django
        django.setup()
        from accounts.models import User
        from common.workflow import ConflictError, WorkflowError
        from events import services
        from events.models import ActivityReturn
        user = User.objects.get(username=username)
        activity = ActivityReturn.objects.get(pk=pk)
        barrier.wait()
        try:
            services.transition(activity, "approve", user, expected_version=activity.version)
            queue.put("won")
        except ConflictError:
            queue.put("409")
        except WorkflowError as exc:
            queue.put(f"4xx {type(exc).__name__}")
        except Exception as exc:  # what the portal would answer with a 500
            queue.put(f"500 {type(exc).__name__}: {exc}")

    if __name__ == "__main__":
        import django
        django.setup()
        from django.core.management import call_command
        from accounts.models import User
        from events.models import ActivityReturn
        from programs.models import Region
        call_command("migrate", verbosity=0)
        call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))
        for name in ("office_a", "office_b"):
            User.objects.create_user(name, role="office")
        wujin = Region.objects.get(code="320412")
        ids = [ActivityReturn.objects.create(region=wujin, title=f"并发审核 {n}", status="submitted",
                                             starts_on="2025-09-16", ends_on="2025-09-16").pk for n in range(ROUNDS)]
        ctx = mp.get_context("spawn")
        rounds = []
        for pk in ids:
            barrier, queue = ctx.Barrier(2), ctx.Queue()
            workers = [ctx.Process(target=decide, args=(barrier, pk, name, queue)) for name in ("office_a", "office_b")]
            for w in workers:
                w.start()
            for w in workers:
                w.join(120)
            rounds.append(sorted(queue.get(timeout=5) for _ in workers))
        print(json.dumps(rounds, ensure_ascii=False))
""")


def test_two_reviewers_at_once_on_sqlite_one_wins_the_other_gets_a_conflict(tmp_path):
    script = tmp_path / "race.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'race.sqlite3'}",
        KEPU_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=os.getcwd(),
        KEPU_ROLLUP_DELAY_SECONDS="0",
    )
    done = subprocess.run(
        [sys.executable, str(script), "6"], cwd=os.getcwd(), env=env, capture_output=True, text=True, timeout=280
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rounds = json.loads(done.stdout.strip().splitlines()[-1])
    assert rounds == [["409", "won"]] * 6, rounds
