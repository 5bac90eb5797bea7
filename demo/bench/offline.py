"""The offline fault run: phones send submissions through the batch endpoint over a bad link, and the run
counts what was lost, what was applied twice and which conflicts were reported.

Each phone keeps its sessions (what it "saw"), records attendance and scores (a few changes each time), and
sends its queue in batches through the real endpoint (`/offline/submit/`, CSRF enforced) while the link drops
requests and answers, replays old batches, delivers a batch's items out of order, lets sign-ins expire (the
CSRF token then rotates) and another facilitator corrects sessions online in the meantime. A model of the
conflict rule, updated with every answer, says what each answer should have been and what the records must
hold at the end. `make bench` runs it with 1,000 submissions; the tests with 100.
"""

import datetime
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from wagtail.models import ModelLogEntry

from courses import offline, selectors, services
from courses.models import Attendance, OfflineSubmission, QuizResult, Session

KINDS = (OfflineSubmission.Kind.ATTENDANCE, OfflineSubmission.Kind.SCORES)
STATUSES = list(Attendance.Status.values)


@dataclass
class Phone:
    """One phone: its user, its own HTTP client (cookies, CSRF token), its queue and what it kept."""

    user: User
    client: Client
    token: str = ""
    queue: list[dict] = field(default_factory=list)
    sent: list[list[dict]] = field(default_factory=list)
    kept: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)


@dataclass
class Tally:
    """What happened on the link and on the server during the run."""

    submissions: int = 0
    requests: int = 0
    dropped_requests: int = 0
    dropped_answers: int = 0
    replays: int = 0
    out_of_order: int = 0
    expired: int = 0
    rotated_tokens: int = 0
    online_corrections: int = 0
    other_account_replays: int = 0
    other_account_refused: int = 0
    applied_twice: int = 0
    wrong_answers: int = 0
    conflicts: int = 0
    answered: dict[str, str] = field(default_factory=dict)


class FaultRun:
    """The run's world (phones, sessions, the online corrector), the model of the records, and the tally."""

    def __init__(self, *, phones: list[User], corrector: User, sessions: list[Session], seed: int):
        self.rng = random.Random(seed)
        self.phones = [Phone(user, Client(enforce_csrf_checks=True)) for user in phones]
        self.corrector = corrector
        self.sessions = sessions
        self.members = {s.pk: [str(pk) for pk in selectors.member_ids_on(s.group, s.date)] for s in sessions}
        self.maximum = {s.pk: selectors.quiz_question_count(s.lesson) for s in sessions}
        self.model = {(s.pk, kind): dict(offline.current_values(s, kind)) for s in sessions for kind in KINDS}
        self.tally = Tally()
        for phone in self.phones:
            phone.client.force_login(phone.user)
            self._fresh_token(phone)
            for session in sessions:
                for kind in KINDS:
                    self._keep(phone, session.pk, kind)

    # ---- the phones ----

    def _fresh_token(self, phone: Phone) -> None:
        phone.token = phone.client.get(reverse("offline_token")).json()["csrf"]

    def _keep(self, phone: Phone, session_id: int, kind: str) -> None:
        """The phone opens the session online: what it sees is the record now."""
        phone.kept[session_id, kind] = {key: value for key, (value, _by) in self.model[session_id, kind].items()}

    def _record(self, phone: Phone) -> None:
        """The phone records a session offline: what it kept, with one to three changes."""
        session_id = self.rng.choice(self.sessions).pk
        kind = self.rng.choice(KINDS)
        seen = phone.kept[session_id, kind]
        members = self.members[session_id]
        if kind == OfflineSubmission.Kind.ATTENDANCE:
            data = {lid: seen.get(lid) or Attendance.Status.PRESENT for lid in members}
            for lid in self.rng.sample(members, k=min(len(members), self.rng.randint(1, 3))):
                data[lid] = self.rng.choice(STATUSES)
        else:
            data = {f"{lid}:{test}": seen.get(f"{lid}:{test}") for lid in members for test in offline.TESTS}
            for key in self.rng.sample(sorted(data), k=self.rng.randint(1, 3)):
                data[key] = self.rng.choice([None, *range(self.maximum[session_id] + 1)])
        item = {"id": str(uuid.uuid4()), "user": phone.user.pk, "session": session_id, "kind": kind}
        phone.queue.append({**item, "seen": dict(seen), "data": data})
        self.tally.submissions += 1

    def _post(self, phone: Phone, items: list[dict], *, fresh_token_on_403: bool = True):
        """Send a batch; refused for its token (it rotated at the last sign-in), fetch a fresh one and send again."""
        self.tally.requests += 1
        send = lambda: phone.client.post(  # noqa: E731
            reverse("offline_submit"),
            {"items": items},
            content_type="application/json",
            headers={"X-CSRFToken": phone.token},
        )
        response = send()
        if response.status_code == 403 and fresh_token_on_403:
            self.tally.rotated_tokens += 1
            self._fresh_token(phone)
            self.tally.requests += 1
            response = send()
        return response

    # ---- the model of the records ----

    def _expected(self, item: dict) -> tuple[dict, dict]:
        """The conflict rule, restated on the model: (keys applied, keys in conflict)."""
        current = self.model[item["session"], item["kind"]]
        apply, conflicts = {}, {}
        for key, mine in item["data"].items():
            theirs, by = current.get(key, (None, None))
            seen = item["seen"].get(key)
            if mine in (theirs, seen):
                continue
            if theirs == seen or by == item["user"]:
                apply[key] = mine
            else:
                conflicts[key] = mine
        return apply, conflicts

    def _write_model(self, session_id: int, kind: str, values: dict, user_id: int) -> None:
        current = self.model[session_id, kind]
        for key, value in values.items():
            if current.get(key, (None, None))[0] != value:
                current[key] = (value, user_id)
            if value is None:
                current.pop(key, None)

    def _answered(self, items: list[dict], results: list[dict]) -> None:
        """Check each answer against the model (first answers move the model; later ones must say the same)."""
        for item, result in zip(items, results, strict=True):
            outcome, first = result["outcome"], item["id"] not in self.tally.answered
            if first:
                apply, conflicts = self._expected(item)
                wanted = offline.Outcome.CONFLICT if conflicts else offline.Outcome.APPLIED
                self.tally.wrong_answers += outcome != wanted
                self.tally.conflicts += outcome == offline.Outcome.CONFLICT
                self._write_model(item["session"], item["kind"], apply, item["user"])
                self.tally.answered[item["id"]] = outcome
            else:
                self.tally.applied_twice += outcome == offline.Outcome.APPLIED
                wanted = self.tally.answered[item["id"]]
                wanted = offline.Outcome.ALREADY_APPLIED if wanted == offline.Outcome.APPLIED else wanted
                self.tally.wrong_answers += outcome != wanted

    def _correct_online(self) -> None:
        """Another facilitator corrects a session on the online forms meanwhile."""
        session = self.rng.choice(self.sessions)
        members = self.members[session.pk]
        self.tally.online_corrections += 1
        if self.rng.random() < 0.5:
            current = {key: value for key, (value, _by) in self.model[session.pk, "attendance"].items()}
            attendance = {lid: current.get(lid) or Attendance.Status.PRESENT for lid in members}
            attendance[self.rng.choice(members)] = self.rng.choice(STATUSES)
            services.session_record(
                session=session,
                attendance={int(k): v for k, v in attendance.items()},
                notes=current.get(offline.NOTES, ""),
                delivered_by=self.corrector,
                acting_user=self.corrector,
            )
            self._write_model(session.pk, "attendance", attendance, self.corrector.pk)
        else:
            lid = self.rng.choice(members)
            row = {test: self.rng.choice([None, *range(self.maximum[session.pk] + 1)]) for test in offline.TESTS}
            services.quiz_results_record(session=session, scores={int(lid): row}, acting_user=self.corrector)
            self._write_model(session.pk, "scores", {f"{lid}:{t}": v for t, v in row.items()}, self.corrector.pk)

    # ---- the link ----

    def _deliver(self, phone: Phone) -> None:
        """Send a batch from the head of the phone's queue over the faulty link."""
        batch = phone.queue[: self.rng.randint(1, 8)]
        if len(batch) > 1 and self.rng.random() < 0.3:
            batch = self.rng.sample(batch, k=len(batch))  # the batch's items arrive in another order
            self.tally.out_of_order += 1
        if self.rng.random() < 0.05:  # the sign-in expires: 401, sign in again, then the old token is refused
            del phone.client.cookies[settings.SESSION_COOKIE_NAME]  # the CSRF cookie stays, as on a phone
            assert self._post(phone, batch).status_code == 401
            phone.client.force_login(phone.user)
            # Signing in rotates the CSRF secret (the test client's sign-in leaves the cookie, so rotate it here):
            # the phone's token is now stale and the next send is refused once, then sent with a fresh one.
            phone.client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
            self.tally.expired += 1
        fault = self.rng.random()
        if fault < 0.1:
            self.tally.dropped_requests += 1
            return
        response = self._post(phone, batch)
        assert response.status_code == 200, response.content
        self._answered(batch, response.json()["results"])
        if fault < 0.2:  # the answer is lost (or the tab killed): the batch stays and is sent again
            self.tally.dropped_answers += 1
            return
        done = {item["id"] for item in batch}
        phone.queue = [item for item in phone.queue if item["id"] not in done]
        phone.sent.append(batch)
        if self.rng.random() < 0.3:  # back online, the phone opens the session again: a fresher base
            item = self.rng.choice(batch)
            self._keep(phone, item["session"], item["kind"])

    def _replay(self) -> None:
        """An old batch sent again (by its phone), or one of its items by another account."""
        senders = [phone for phone in self.phones if phone.sent]
        if not senders:
            return
        phone = self.rng.choice(senders)
        batch = self.rng.choice(phone.sent)
        if self.rng.random() < 0.8:
            self.tally.replays += 1
            self._answered(batch, self._post(phone, batch).json()["results"])
            return
        thief = self.rng.choice([other for other in self.phones if other is not phone])
        self.tally.other_account_replays += 1
        results = self._post(thief, [{**batch[0], "user": thief.user.pk}]).json()["results"]
        self.tally.other_account_refused += results[0]["outcome"] == offline.Outcome.REFUSED

    def run(self, submissions: int) -> dict[str, Any]:
        """Record and send `submissions` submissions; return the figures."""
        started = time.perf_counter()
        while self.tally.submissions < submissions or any(phone.queue for phone in self.phones):
            roll = self.rng.random()
            if self.tally.submissions < submissions and roll < 0.5:
                self._record(self.rng.choice(self.phones))
            elif roll < 0.55:
                self._correct_online()
            elif roll < 0.62:
                self._replay()
            elif waiting := [phone for phone in self.phones if phone.queue]:
                self._deliver(self.rng.choice(waiting))
        return self._figures(time.perf_counter() - started)

    def _figures(self, seconds: float) -> dict[str, Any]:
        stored = dict(
            OfflineSubmission.objects.filter(client_id__in=list(self.tally.answered)).values_list("client_id", "status")
        )
        unanswered = self.tally.submissions - len(self.tally.answered)
        not_stored = len(self.tally.answered) - len(stored)
        different = sum(
            1
            for (session_id, kind), model in self.model.items()
            for key, value in offline.current_values(Session.objects.get(pk=session_id), kind).items()
            if key != offline.NOTES and model.get(key, (None, None))[0] != value[0]
        )
        rows_twice = (
            Attendance.objects.values("session", "learner").annotate(n=Count("id")).filter(n__gt=1).count()
            + QuizResult.objects.values("session", "learner", "kind").annotate(n=Count("id")).filter(n__gt=1).count()
        )
        recorded_twice = (
            ModelLogEntry.objects.filter(action="lms.session.record", object_id__in=[str(s.pk) for s in self.sessions])
            .values("object_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
        stored_conflicts = sum(1 for status in stored.values() if status == OfflineSubmission.Status.CONFLICT)
        t = self.tally
        return {
            "submissions": t.submissions,
            "lost": unanswered + not_stored + different,
            "duplicated": t.applied_twice + rows_twice + recorded_twice,
            "conflicts": t.conflicts,
            "conflicts_stored": stored_conflicts,
            "wrong_answers": t.wrong_answers,
            "seconds": round(seconds, 2),
            "requests": t.requests,
            "dropped_requests": t.dropped_requests,
            "dropped_answers": t.dropped_answers,
            "replays": t.replays,
            "out_of_order_batches": t.out_of_order,
            "expired_sign_ins": t.expired,
            "rotated_tokens": t.rotated_tokens,
            "online_corrections": t.online_corrections,
            "other_account_replays": t.other_account_replays,
            "other_account_refused": t.other_account_refused,
        }


def fault_run(*, phones: list[User], corrector: User, sessions: list[Session], submissions: int, seed: int = 12):
    """Run the fault test and return its figures (see the module's docstring)."""
    return FaultRun(phones=phones, corrector=corrector, sessions=sessions, seed=seed).run(submissions)


def bench_fault_world(*, facilitator: User, group, days: int = 20) -> dict[str, Any]:
    """For `make bench`: the grid group's facilitator and two colleagues (phones), a third colleague who corrects
    online, and sessions of a lesson with a quiz planned on the last `days` days (created once, reused after)."""
    from django.contrib.auth.models import Group as Role

    from courses.models import GroupModule
    from learners.models import StaffAssignment
    from lms import roles

    role = Role.objects.get(name=roles.FACILITATORS)
    colleagues = []
    for name in ("offline-phone-2", "offline-phone-3", "offline-corrector"):
        user, _created = User.objects.get_or_create(username=name, defaults={"first_name": name})
        user.groups.add(role)
        StaffAssignment.objects.get_or_create(user=user, centre=group.centre)
        colleagues.append(user)
    modules = [gm.module for gm in GroupModule.objects.filter(group=group).select_related("module")]
    lesson = next(
        lesson
        for module in modules
        for lesson in selectors.module_lessons(module)
        if selectors.quiz_question_count(lesson) > 0
    )
    today = timezone.localdate()
    sessions = [
        services.session_plan(
            group=group, lesson=lesson, date=today - datetime.timedelta(days=day), acting_user=facilitator
        )
        for day in range(1, days + 1)
    ]
    return {"phones": [facilitator, *colleagues[:2]], "corrector": colleagues[2], "sessions": sessions}


def kept_bytes(client: Client) -> dict[str, int]:
    """What a phone keeps for the signed-in user: the pages of the coming week's sessions, the offline page
    and the static files, in bytes as stored (uncompressed)."""
    manifest = client.get(reverse("offline_manifest")).json()
    urls = [page["url"] for page in manifest["pages"]] + [manifest["fallback"]]
    pages = sum(len(client.get(url).content) for url in urls)
    responses = [client.get(url) for url in manifest["assets"]]
    assets = sum(len(b"".join(r.streaming_content) if r.streaming else r.content) for r in responses)
    return {"week_sessions": len(manifest["pages"]) // 2, "week_pages": len(urls), "week_bytes": pages + assets}
