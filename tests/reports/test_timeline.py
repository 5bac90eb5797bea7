"""One child's timeline: every kind of record in date order, each linking to its record, a constant number of
queries whatever the history's length, and the learner record's access (404 outside it)."""

import datetime
import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from learners import services as registry
from learners.models import (
    CentreTransfer,
    CommunityGroup,
    JobPlacement,
    SchoolEnrolment,
    ServiceProvider,
    ServiceRecord,
    Trade,
)
from lms import audit, roles
from peer_educators import services as pathway
from peer_educators.models import PeerEducator, StatusChange
from reports.selectors import TIMELINE_KINDS, learner_timeline
from tests import factories
from tests.factories import add_members, assign, days_ago, make_centre, make_group, make_learner


class TimelineWorld(TestCase):
    """Asad at QTA with one record of each kind, each on its own day; KCH with its own facilitator."""

    @classmethod
    def setUpTestData(cls):
        cls.users = factories.role_users()
        cls.facilitator, cls.admin = cls.users["facilitator"], cls.users["admin"]
        cls.other = factories.UserFactory(username="facilitator2", role=roles.FACILITATORS)
        cls.home = make_centre("QTA", name="Quetta drop-in")
        cls.away = make_centre("KCH", name="Kuchlak CFS")
        assign(cls.facilitator, cls.home)
        assign(cls.other, cls.away)
        module, lessons = factories.published_module(
            "Staying safe", ["Saying no", "Asking for help"], editor=cls.users["editor"], reviewer=cls.users["reviewer"]
        )
        cls.asad = make_learner(
            cls.home,
            cls.facilitator,
            first_name="Asad",
            joined_on=days_ago(200),
            guardian_consent_on=days_ago(199),
            child_assent_on=days_ago(198),
        )
        cls.group = make_group(cls.home, cls.facilitator, [module], name="Morning")
        add_members(cls.group, [cls.asad], joined_on=days_ago(190), acting_user=cls.facilitator)
        factories.held_session(group=cls.group, lesson=lessons[0], day=days_ago(180), acting_user=cls.facilitator)
        factories.held_session(
            group=cls.group, lesson=lessons[1], day=days_ago(170), acting_user=cls.facilitator, absent=[cls.asad]
        )
        registry.service_record(
            learner=cls.asad, kind="medical", date=days_ago(160), provider="Camp doctors", acting_user=cls.facilitator
        )
        hospital = ServiceProvider.objects.create(
            centre=cls.home, kind="health", name="Civil hospital", phone="081-9201111"
        )
        cls.referral = registry.referral_record(
            learner=cls.asad,
            provider=hospital,
            referred_on=days_ago(155),
            reason="health",
            follow_up_on=days_ago(140),
            acting_user=cls.facilitator,
        ).record
        trade = Trade.objects.get(name="Tailoring")
        training = registry.training_enrol(
            learner=cls.asad, trade=trade, enrolled_on=days_ago(150), acting_user=cls.facilitator
        )
        registry.training_update(
            training=training,
            completed_on=days_ago(140),
            certified_on=days_ago(130),
            certifying_board="Balochistan TEVTA",
            acting_user=cls.facilitator,
        )
        placement = registry.placement_record(
            learner=cls.asad,
            placed_on=days_ago(120),
            kind=JobPlacement.Kind.APPRENTICESHIP,
            sector="Bakery",
            acting_user=cls.facilitator,
        )
        registry.school_enrolment_record(
            learner=cls.asad, enrolled_on=days_ago(110), grade="4", acting_user=cls.facilitator
        )
        registry.follow_up_record(
            of=placement if isinstance(placement, JobPlacement) else placement.record,
            point=3,
            date=days_ago(30),
            still_there=True,
            earnings="10-20k",
            acting_user=cls.facilitator,
        )
        CentreTransfer.objects.create(
            learner=cls.asad,
            from_centre=cls.away,
            to_centre=cls.home,
            moved_on=days_ago(100),
            recorded_by=cls.facilitator,
        )
        cls.peer = PeerEducator.objects.create(learner=cls.asad, mentor=cls.facilitator)
        StatusChange.objects.create(
            peer_educator=cls.peer, status="nominated", changed_on=days_ago(90), changed_by=cls.facilitator
        )
        cls.project = pathway.project_propose(
            centre=cls.home,
            title="Clean tap",
            problem="Dirty",
            goal="Clean",
            place="Bazaar",
            team=[cls.asad],
            acting_user=cls.admin,
        )
        cls.association = registry.community_group_create(
            centre=cls.home,
            kind=CommunityGroup.Kind.CHILD_ASSOCIATION,
            name="Young voices",
            formed_on=days_ago(80),
            learner_members=[cls.asad],
            acting_user=cls.facilitator,
        )

    def url(self, learner=None):
        return reverse("learner_timeline", kwargs={"code": (learner or self.asad).code})


class TimelineSelectorTests(TimelineWorld):
    def test_one_item_of_each_kind_newest_first_with_its_text_and_link(self):
        items = learner_timeline(self.asad)
        record = reverse("learner_record", kwargs={"code": self.asad.code})
        group = reverse("group_detail", kwargs={"group_id": self.group.pk})
        expected = [
            (
                self.project.created_on,
                "project",
                "On the team of the project Clean tap (Proposed)",
                reverse("project_detail", kwargs={"project_id": self.project.pk}),
            ),
            (days_ago(30), "follow-up", "Follow-up after 3 months: still in the job", f"{record}#outcomes"),
            (
                days_ago(80),
                "association",
                "Member of the child association Young voices",
                reverse("community_group_detail", kwargs={"group_id": self.association.pk}),
            ),
            (
                days_ago(90),
                "peer",
                "Peer educator: Nominated",
                reverse("peer_detail", kwargs={"peer_id": self.peer.pk}),
            ),
            (days_ago(100), "move", "Moved from Kuchlak CFS to Quetta drop-in", f"{record}#moves"),
            (days_ago(110), "school", "Enrolled in school, class 4", f"{record}#outcomes"),
            (days_ago(120), "placement", "Placed in work: Apprenticeship, Bakery", f"{record}#outcomes"),
            (days_ago(130), "training", "Certified in Tailoring by Balochistan TEVTA", f"{record}#training"),
            (days_ago(140), "training", "Completed training in Tailoring", f"{record}#training"),
            (days_ago(150), "training", "Started training in Tailoring", f"{record}#training"),
            (
                days_ago(155),
                "referral",
                "Referred to Civil hospital (Health): Pending",
                reverse("referral_detail", kwargs={"referral_id": self.referral.pk}),
            ),
            (days_ago(160), "service", "Service received: Medical support, from Camp doctors", f"{record}#services"),
            (
                days_ago(170),
                "sessions",
                f"Present at 1 of 2 sessions in Morning, from "
                f"{days_ago(180).strftime('%B')} {days_ago(180).day}, {days_ago(180).year}",
                group,
            ),
            (days_ago(190), "group", "Joined Morning", group),
            (days_ago(198), "consent", "Child's assent recorded", record),
            (days_ago(199), "consent", "Guardian's consent recorded", record),
            (days_ago(200), "registration", "Registered at Quetta drop-in", record),
        ]
        assert [(i.date, i.kind, i.text, i.url) for i in items] == expected

    def test_each_kind_of_record_in_the_kinds_tuple_shows(self):
        kinds = {item.kind for item in learner_timeline(self.asad)}
        assert len(TIMELINE_KINDS) == 13
        assert kinds == {
            "registration",
            "consent",
            "group",
            "sessions",
            "service",
            "referral",
            "training",
            "placement",
            "school",
            "follow-up",
            "move",
            "peer",
            "project",
            "association",
        }

    def test_the_number_of_queries_does_not_grow_with_the_history(self):
        with CaptureQueriesContext(connection) as small:
            learner_timeline(self.asad)
        for n in range(1, 15):
            registry.service_record(
                learner=self.asad, kind="recreation", date=days_ago(60 - n), acting_user=self.facilitator
            )
            SchoolEnrolment.objects.create(
                learner=self.asad,
                centre=self.home,
                enrolled_on=days_ago(40 - n),
                grade=str(n),
                recorded_by=self.facilitator,
            )
        with CaptureQueriesContext(connection) as large:
            items = learner_timeline(self.asad)
        assert len(items) == 17 + 28
        assert len(large) == len(small) <= len(TIMELINE_KINDS)

    def test_a_learner_just_registered_has_one_item(self):
        newcomer = make_learner(self.home, self.facilitator, first_name="Nabi", consent=False)
        assert [item.kind for item in learner_timeline(newcomer)] == ["registration"]


class TimelinePageTests(TimelineWorld):
    def test_the_page_lists_the_items_with_their_links_and_the_record_links_to_it(self):
        self.client.force_login(self.facilitator)
        page = self.client.get(self.url()).content.decode()
        assert "Registered at Quetta drop-in" in page and "Member of the child association Young voices" in page
        assert reverse("project_detail", kwargs={"project_id": self.project.pk}) in page
        record = self.client.get(reverse("learner_record", kwargs={"code": self.asad.code})).content.decode()
        assert self.url() in record

    def test_a_foreign_centre_facilitator_and_roles_without_records_get_404(self):
        for user in (self.other, self.users["editor"], self.users["peer"], self.users["nobody"]):
            self.client.force_login(user)
            assert self.client.get(self.url()).status_code == 404

    def test_a_programme_manager_reads_it(self):
        self.client.force_login(self.users["manager"])
        assert self.client.get(self.url()).status_code == 200

    def test_a_long_history_is_paged_and_stays_small(self):
        ServiceRecord.objects.bulk_create(
            ServiceRecord(
                learner=self.asad,
                centre=self.home,
                kind="recreation",
                date=days_ago(50) + datetime.timedelta(days=n % 40),
                provider=f"Day {n}",
                recorded_by=self.facilitator,
            )
            for n in range(250)
        )
        self.client.force_login(self.facilitator)
        response = self.client.get(self.url())
        assert response.content.count(b"<li><time") == 100
        assert len(response.content) < 30 * 1024
        assert b'rel="next"' in response.content

    def test_opening_it_is_audited_like_the_record_and_out_of_scope_is_not(self):
        self.client.force_login(self.other)
        self.client.get(self.url())
        assert not ModelLogEntry.objects.filter(action=audit.VIEW_LEARNER).exists()
        self.client.force_login(self.facilitator)
        self.client.get(self.url())
        [entry] = ModelLogEntry.objects.filter(action=audit.VIEW_LEARNER)
        assert entry.object_id == str(self.asad.pk) and entry.data["what"] == "timeline"


class TimelineOnTheRecordTests(TimelineWorld):
    """The learner record itself shows the newest items of the timeline, in date order, linking to their records,
    with the whole timeline one link away; its size and its queries do not grow with the history."""

    def record(self):
        self.client.force_login(self.facilitator)
        return self.client.get(reverse("learner_record", kwargs={"code": self.asad.code}))

    @staticmethod
    def section(html: str) -> str:
        start = html.index('id="timeline"')
        return html[start : html.index("</section>", start)]

    def test_a_short_history_is_shown_whole_newest_first_each_item_linked(self):
        timeline = self.section(self.record().content.decode())
        items = learner_timeline(self.asad)
        assert timeline.count("<li><time") == len(items) == 17
        days = re.findall(r'<time class="meta" datetime="([0-9-]+)"', timeline)
        assert days == sorted(days, reverse=True) == [item.date.isoformat() for item in items]
        for item in items:
            assert f'href="{item.url}"' in timeline
        assert "The latest" not in timeline and self.url() in timeline
        assert len(self.record().content) < 30 * 1024

    def test_a_long_history_shows_the_newest_items_and_links_to_the_rest(self):
        ServiceRecord.objects.bulk_create(
            ServiceRecord(
                learner=self.asad,
                centre=self.home,
                kind="recreation",
                date=days_ago(50) + datetime.timedelta(days=n % 40),
                provider=f"Day {n}",
                recorded_by=self.facilitator,
            )
            for n in range(250)
        )
        response = self.record()
        timeline = self.section(response.content.decode())
        assert timeline.count("<li><time") == 20
        assert "The latest 20 of 267." in timeline and self.url() in timeline and "The whole timeline" in timeline
        newest = learner_timeline(self.asad)[:20]
        assert re.findall(r'datetime="([0-9-]+)"', timeline) == [item.date.isoformat() for item in newest]
        assert len(timeline.encode()) < 6 * 1024  # 20 items, whatever the history (the record's own tables list all)

    def test_the_records_queries_do_not_grow_with_the_timeline(self):
        self.record()  # warm the caches (site, translations)
        with CaptureQueriesContext(connection) as small:
            self.record()
        for n in range(1, 30):
            registry.service_record(
                learner=self.asad, kind="recreation", date=days_ago(60 - n), acting_user=self.facilitator
            )
        with CaptureQueriesContext(connection) as large:
            self.record()
        assert len(large) == len(small)
