"""Every route, every persona, every other party's object (issue 10 point 5).

The URL resolver and the OpenAPI schema are walked for every route; ROUTE_RULES says how each one is exercised.
A new route without a rule fails the first assertion. Then, for each persona (and an anonymous visitor), every
list, detail, export, dashboard and write is requested against a world in which every kind of party owns one of
each owned model, with a distinctive string ("泄露检查·…") that a response body is searched for.

The oracle of who may read what is accounts.scope itself (``readable(user, Model.objects.filter(pk=…))``): this
test never re-derives the rule, it checks that every route keeps it:

* another party's object answers exactly as a missing one would (the same status: 404, or the role's 403/405;
  anonymous visitors go to the login page or get 401/403) and its strings appear in no response;
* a write on it (POST/PUT/PATCH/DELETE, workflow actions, uploads, imports naming it by id) changes nothing
  (the row, and the counts of the rows that hang off it, are compared before and after);
* a create naming another party as owner creates nothing outside the writer's scope;
* lists, exports (xlsx read cell by cell, csv, docx, html, json) and dashboards hold none of its strings — the
  dashboards are checked with a distinctive figure (987,654 participants approved for 天宁区 and rolled up);
* the parties who may read an object do see it (a 200 and its string), so the test cannot pass by everything
  being a 404; leaders read everything and none of their writes changes anything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import scope

PERSONAS = [
    "anonymous",
    "office_user",
    "leader_user",
    "wujin_user",
    "tianning_user",
    "hutang_clerk",
    "hongmei_clerk",
    "society_contact",
    "base_contact",
    "liaison_user",
    "other_liaison_user",
]

MISSING_PK = 999999
TIANNING_PARTICIPANTS = 987654  # the distinctive figure of the dashboards
WUJIN_PARTICIPANTS = 1111  # so that the city's total (988,765) is never 天宁's figure alone
REFUSED = {401, 403, 404, 405}
API_PREFIX = "api/v1/"
API_METHODS = ("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")

if TYPE_CHECKING:
    from events.models import Campaign
    from programs.models import Region


# === route discovery =================================================================================================
def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), p


def _template(pattern: str) -> str:
    """'api/v1/^activities/(?P<pk>[^/.]+)/approve/$' → '/api/v1/activities/{id}/approve/' (the schema's form)."""
    t = pattern.replace("^", "").replace("$", "")
    t = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "{%s}" % ("id" if m.group(1) == "pk" else m.group(1)), t)
    t = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{%s}" % ("id" if m.group(1) == "pk" else m.group(1)), t)
    return "/" + t


@functools.lru_cache(maxsize=1)
def api_operations() -> tuple[tuple[str, str], ...]:
    """(METHOD, path) of every operation in the OpenAPI schema (what GET /api/schema/ serves)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return tuple(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )


@functools.lru_cache(maxsize=1)
def _resolver_routes() -> tuple[dict, set, set]:
    """(page route key → pattern, API templates with their route names, API templates with a format-suffix twin)."""
    pages, api, suffixed = {}, set(), set()
    for name, pattern, p in _walk(get_resolver().url_patterns):
        if pattern.startswith(API_PREFIX):
            template = _template(pattern)
            if "format" in p.pattern.regex.groupindex:  # DefaultRouter's `.json` twin of a route
                suffixed.add(re.sub(r"\\?\.\{format\}/\?$|\{format\}$", "", template))
                continue
            api.add((template, name))
        elif pattern.startswith("admin/"):
            pages["admin:*"] = "admin/"
        else:
            pages[name or f"<unnamed> {pattern}"] = pattern
    return pages, api, suffixed


def discovered_routes() -> dict[str, str]:
    """Every route key: page routes by `namespace:name`, API operations by `METHOD path-template`, and API routes
    the schema does not list (the router's root) by name."""
    pages, api, _suffixed = _resolver_routes()
    found = dict(pages)
    operations = api_operations()
    schema_paths = {path for _m, path in operations}
    found.update({f"{method} {path}": "schema" for method, path in operations})
    for template, name in api:
        if template not in schema_paths:
            found[name or f"<unnamed> {template}"] = template
    return found


# === the world: one of each owned model for each party ===============================================================
JPEG = bytes.fromhex(  # a real 16×16 JPEG (the same one tests/events use)
    "ffd8ffe000104a46494600010101000100010000ffdb00430003020202020203020202030303030406040404040408060605"
    "0609080a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f101010ffdb004301030303040304"
    "08040408100b090b101010101010101010101010101010101010101010101010101010101010101010101010101010101010"
    "1010101010101010ffc00011080010001003012200021101031101ffc4001600010101000000000000000000000000000704"
    "05ffc4002410000104010402020300000000000000000102030406050708121311220014093132ffc4001501010100000000"
    "000000000000000000000006ffc400231100010205030500000000000000000000010211030405062100123115166181e1ff"
    "da000c03010002110311003f0014a6d26a1b73c1e61312d4951cf31163e42565beba5aec694540b1e520b254a51fd2cab8fa"
    "f220ab963d976c9335e69b77d7e66da71781a5571c7f1cea71e24b39d7e32253f21a69ded4714a38b482e84b892a71691ecd"
    "2d213bf1efb91a74aceea15a758ed548ac655b858b81857b21299867a96b94b949654fb9c88529114b812af07ad9f23c807e"
    "55be0df662a140cce8e69a3d5cb743b3d77a6558b1d9512188bf64b8d3f1c3680429c0d0febb3c02e03c5407b4bdd97b54e6"
    "27fb6edf9460148262138db8529828370589727960e432896fc3828ea7528cea208dbe78191f07ad7fffd9"
)


@dataclass
class Owned:
    obj: Model  # a row some party owns
    strings: tuple[str, ...]  # distinctive strings: none may appear in a response to a party that cannot read it
    label: str
    url: str = ""  # its page, as a list links to it (a list shows a reader's own objects by string or by this link)

    @property
    def model(self):
        return type(self.obj)

    def __str__(self):
        return f"{self.model.__name__} {self.label} (pk {self.obj.pk})"


class Missing:
    """An object that does not exist: every attribute a URL needs is MISSING_PK."""

    pk = id = version = MISSING_PK

    def __getattr__(self, name):
        if name.endswith("_id") or name == "code":
            return MISSING_PK
        raise AttributeError(name)


MISSING = Missing()


@dataclass
class World:
    users: dict
    owned: dict[str, list[Owned]]
    campaign: Campaign
    period: object
    task: object
    hutang: Region
    wujin: Region
    tianning: Region
    unit_pk: int  # a member unit (市教育局) for the shared unit pages
    population_code: str
    programme_pk: int
    photos: dict = field(default_factory=dict)  # return pk → photo
    attachments: dict = field(default_factory=dict)  # unit report pk → attachment
    snapshots: dict = field(default_factory=dict)  # id(Owned) → snapshot as the world made it

    def photo_of(self, obj):
        return self.photos.get(obj.pk, MISSING)

    def attachment_of(self, obj):
        return self.attachments.get(obj.pk, MISSING)

    def all_owned(self):
        return [o for items in self.owned.values() for o in items]


def _file(name: str, text: str, head: bytes = b"") -> ContentFile:
    return ContentFile(head + text.encode("utf-8"), name=name)


@pytest.fixture(autouse=True)
def quiet_request_log():
    """Thousands of expected 403/404s: keep django.request's warnings out of a failure report (5xx still log)."""
    import logging

    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def world(
    settings,
    tmp_path,
    office_user,
    leader_user,
    wujin_user,
    tianning_user,
    hutang_clerk,
    hongmei_clerk,
    society_contact,
    base_contact,
    liaison_user,
    other_liaison_user,
    wujin_society,
    wujin_base,
    wujin,
    tianning,
    hutang,
    hongmei,
):
    from bases.models import Base, BaseAnnualReport, Certification, Designation
    from events.models import ActivityPhoto, ActivityReturn, Campaign, CampaignFiling
    from indicators.services import run_rollup
    from programs.models import (
        Organisation,
        Plan,
        Programme,
        Region,
        ReportingPeriod,
        ResponsibleUnit,
        TargetPopulation,
        Task,
        UnitReport,
        UnitReportAttachment,
        UnitReportEntry,
    )

    settings.KEPU_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KEPU_OFFICE_EMAILS = []
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"  # thousands of requests: no session query each

    today = timezone.localdate()
    now = timezone.now()
    jyj = ResponsibleUnit.objects.get(name="市教育局")
    nync = ResponsibleUnit.objects.get(name="市农业农村局")
    wjgov = ResponsibleUnit.objects.get(name="武进区人民政府")
    plan = Plan.objects.order_by("-start_year").first()

    campaign = Campaign.objects.create(
        kind="science_day",
        year=today.year,
        name="泄露检查专项(共享)",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=10),
        schedule_due=today + dt.timedelta(days=5),
        summary_due=today + dt.timedelta(days=30),
    )
    campaign.regions.set(Region.objects.districts())
    campaign.units.set([jyj, nync])
    tianning_society = Organisation.objects.create(
        code="T-320402-LEAK", name="泄露检查·天宁区·学会", kind="society", region=tianning
    )
    tianning_base = Base.objects.create(
        name="泄露检查·天宁区·基地", region=tianning, host_organisation="泄露检查·天宁区·依托单位"
    )
    Base.objects.filter(pk=wujin_base.pk).update(host_organisation="泄露检查·武进区·依托单位")
    wujin_base.refresh_from_db()

    owners = [  # label, owner fields, status, creator
        ("武进区", {"region": wujin}, "submitted", wujin_user),
        ("湖塘镇", {"region": hutang}, "submitted", hutang_clerk),
        ("学会", {"region": wujin, "organisation": wujin_society}, "draft", society_contact),
        ("基地", {"region": wujin, "base": wujin_base}, "approved", base_contact),
        ("教育局", {"unit": jyj}, "submitted", liaison_user),
        ("天宁区", {"region": tianning}, "approved", tianning_user),
        ("红梅街道", {"region": hongmei}, "returned", hongmei_clerk),
        ("农业局", {"unit": nync}, "draft", other_liaison_user),
    ]
    returns, filings, photos = [], [], {}
    for label, owner, status, creator in owners:
        title = f"泄露检查·{label}·活动"
        participants = {"天宁区": TIANNING_PARTICIPANTS, "基地": WUJIN_PARTICIPANTS}.get(label, 0)
        activity = ActivityReturn.objects.create(
            campaign=campaign,
            status=status,
            report_status=status,
            title=title,
            category="other",
            starts_on=campaign.starts_on,
            ends_on=campaign.starts_on,
            actual_participants=participants,
            planned_participants=10,
            created_by=creator,
            submitted_at=now if status != "draft" else None,
            decided_at=now if status in ("approved", "returned") else None,
            summary_file=_file("summary.pdf", f"{title}·总结", b"%PDF-1.4\n"),
            **owner,
        )
        photos[activity.pk] = ActivityPhoto.objects.create(
            activity=activity,
            file=ContentFile(JPEG, name="p.jpg"),
            content_type="image/jpeg",
            size=len(JPEG),
            original_name="现场.jpg",
            uploaded_by=creator,
        )
        strings = (title,) + ((str(TIANNING_PARTICIPANTS), f"{TIANNING_PARTICIPANTS:,}") if label == "天宁区" else ())
        returns.append(Owned(activity, strings, label, reverse("events:detail", args=[activity.pk])))
        text = f"泄露检查·{label}·报送"
        filing = CampaignFiling.objects.create(
            campaign=campaign,
            kind="schedule",
            filed_at=now,
            filed_by=creator,
            text=text,
            file=_file("filing.pdf", text, b"%PDF-1.4\n"),
            **owner,
        )
        filings.append(Owned(filing, (text,), label))

    bases, certifications, reports, designations = [], [], [], []
    for label, base in (("武进区", wujin_base), ("天宁区", tianning_base)):
        bases.append(Owned(base, (base.name, base.host_organisation), label, reverse("bases:detail", args=[base.pk])))
        cert = Certification.objects.create(  # valid, and expiring within two months (the 即将到期 list)
            base=base,
            level="municipal",
            certified_on=today - dt.timedelta(days=400),
            valid_until=today + dt.timedelta(days=60),
            certificate_no=f"泄露检查·{label}·证书",
            batch=f"泄露检查·{label}·批次",
            note=f"泄露检查·{label}·认定",
        )
        certifications.append(Owned(cert, (cert.certificate_no, cert.batch), label))
        report = BaseAnnualReport.objects.create(
            base=base, year=today.year - 1, open_days=200, visitors=1000, note=f"泄露检查·{label}·年报"
        )
        reports.append(Owned(report, (report.note,), label))
        designation = Designation.objects.create(base=base, name=f"泄露检查·{label}·称号")
        designations.append(Owned(designation, (designation.name,), label))

    period = ReportingPeriod.objects.create(
        plan=plan,
        year=today.year - 1,
        kind="year",
        name=f"{today.year - 1}年度",
        opens_on=today - dt.timedelta(days=30),
        due_on=today + dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=60),
        is_open=True,
    )
    unit_reports, attachments = [], {}
    for label, unit, status, user in (
        ("教育局", jyj, "submitted", liaison_user),
        ("农业局", nync, "draft", other_liaison_user),
        ("武进区政府", wjgov, "accepted", office_user),
    ):
        summary = f"泄露检查·{label}·报告"
        report = UnitReport.objects.create(
            unit=unit,
            period=period,
            status=status,
            summary=summary,
            entered_by=user,
            first_submitted_at=now if status != "draft" else None,
            submitted_at=now if status != "draft" else None,
        )
        task = (
            Task.objects.filter(plan=plan, level="task", assignments__unit=unit).order_by("order").first()
            or Task.objects.filter(plan=plan).order_by("order").first()
        )
        narrative = f"泄露检查·{label}·工作情况"
        entry = UnitReportEntry.objects.create(report=report, task=task, progress="under_way", narrative=narrative)
        name = f"泄露检查·{label}·附件.txt"
        attachments[report.pk] = UnitReportAttachment.objects.create(
            entry=entry,
            file=_file("a.txt", name),
            original_name=name,
            content_type="text/plain",
            size=len(name.encode()),
            uploaded_by=user,
        )
        unit_reports.append(
            Owned(report, (summary, narrative, name), label, reverse("programs:report-detail", args=[report.pk]))
        )

    organisations = [
        Owned(wujin_society, (wujin_society.name,), "武进区学会"),
        Owned(tianning_society, (tianning_society.name,), "天宁区学会"),
    ]

    run_rollup()  # the dashboards read IndicatorValue rows only

    users = {
        "office_user": office_user,
        "leader_user": leader_user,
        "wujin_user": wujin_user,
        "tianning_user": tianning_user,
        "hutang_clerk": hutang_clerk,
        "hongmei_clerk": hongmei_clerk,
        "society_contact": society_contact,
        "base_contact": base_contact,
        "liaison_user": liaison_user,
        "other_liaison_user": other_liaison_user,
        "anonymous": None,
    }
    owned = {
        "returns": returns,
        "filings": filings,
        "bases": bases,
        "certifications": certifications,
        "annual_reports": reports,
        "designations": designations,
        "unit_reports": unit_reports,
        "organisations": organisations,
    }
    world = World(
        users=users,
        owned=owned,
        campaign=campaign,
        period=period,
        task=Task.objects.filter(plan=plan).order_by("order").first(),
        hutang=hutang,
        wujin=wujin,
        tianning=tianning,
        unit_pk=jyj.pk,
        population_code=TargetPopulation.objects.order_by("order").first().code,
        programme_pk=Programme.objects.order_by("order").first().pk,
        photos=photos,
        attachments=attachments,
    )
    world.snapshots = {id(o): snapshot(o.obj) for o in world.all_owned()}
    return world


# === the rules ========================================================================================================
@dataclass(frozen=True)
class V:
    """A variant of a request: extra URL kwargs (those starting with "_" only feed the body), a query string
    ({campaign_pk}, {tianning_pk}, {wujin_pk}, {tianning_base_pk} are filled in), an Accept header."""

    kwargs: dict = field(default_factory=dict)
    query: str = ""
    accept: str | None = None


ONE = (V(),)


@dataclass(frozen=True)
class Rule:
    """How a route is exercised.

    kind: PUBLIC / UNSCOPED (not requested: the reason says why), ADMIN (the Django admin: staff only),
    LIST (lists, dashboards, pages about shared data: no foreign string may appear), EXPORT (the same, for files),
    READ (an object's page, file or API detail), WRITE (a change to an object), CREATE (a new record: never
    outside the writer's scope), OFFICE (a write on shared data, the office's alone), IMPORT (a spreadsheet import),
    OWN (a user's own records — notifications, the e-mail preference: another user's is a 404 and never changes),
    CHASE (催报: only accounts.scope.chase_level's parties send, and only to late parties at their own level).
    """

    kind: str
    why: str = ""
    target: str | None = None  # the World.owned collection whose objects fill the URL
    kwargs: Callable | None = None  # (world, obj, me) → URL kwargs or None (variant not applicable)
    variants: tuple = ONE
    body: Callable | None = None  # (world, obj, variant) → request data
    fmt: str = "multipart"
    get_too: bool = False  # WRITE pages: the form's GET is checked too
    shows: str | bool | None = None  # LIST: the collection whose readable objects must appear; READ: True
    model: str | None = None  # CREATE/OFFICE: the model whose new rows are checked ("app.Model")
    mixed: Callable | None = None  # READ/WRITE: (world, obj, me) → kwargs with the persona's own parent, or None
    optional: bool = False  # only present in some configurations (DEBUG's media route)
    method: str = ""  # OWN: the request's method


def public(why):
    return Rule("PUBLIC", why)


def unscoped(why):
    return Rule("UNSCOPED", why)


def listing(why="", kwargs=None, variants=ONE, shows=None):
    return Rule("LIST", why, kwargs=kwargs, variants=variants, shows=shows)


def export(why="", kwargs=None, variants=ONE, shows=None):
    return Rule("EXPORT", why, kwargs=kwargs, variants=variants, shows=shows)


def read(target, kwargs=None, shows=True, variants=ONE, mixed=None):
    return Rule("READ", target=target, kwargs=kwargs or PK, shows=shows, variants=variants, mixed=mixed)


def write(target, body=None, kwargs=None, variants=ONE, get_too=False, fmt="multipart", mixed=None):
    return Rule(
        "WRITE",
        target=target,
        kwargs=kwargs or PK,
        body=body or (lambda w, o, v: {}),
        variants=variants,
        get_too=get_too,
        fmt=fmt,
        mixed=mixed,
    )


def create(model, body, target=None, kwargs=None, fmt="multipart", get_too=False):
    return Rule("CREATE", target=target, model=model, body=body, kwargs=kwargs, fmt=fmt, get_too=get_too)


def office(why, model=None, body=None, kwargs=None, get_too=False, fmt="multipart", target=None):
    return Rule(
        "OFFICE",
        why,
        model=model,
        body=body or (lambda w, o, v: {}),
        kwargs=kwargs,
        get_too=get_too,
        fmt=fmt,
        target=target,
    )


def PK(w, o, me):
    return {"pk": o.pk}


def ID(w, o, me):
    return {"id": o.pk}


TAMPER = "越权修改"
_day = lambda: timezone.localdate().isoformat()  # noqa: E731


def _return_form(w, o, v):
    return {
        "campaign": w.campaign.pk,
        "title": TAMPER,
        "category": "other",
        "format": "offline",
        "starts_on": w.campaign.starts_on.isoformat(),
        "ends_on": w.campaign.starts_on.isoformat(),
        "planned_participants": 1,
        "actual_participants": 1,
        "online_views": 0,
        "volunteers": 0,
        "experts": 0,
        "budget": "0",
        "general_public": "on",
        "version": getattr(o, "version", 1),
    }


def _return_create_form(w, o, v):
    data = _return_form(w, o, v) | {"title": "泄露检查·越权新建·活动"}
    data.pop("version")
    for name in scope.OWNER_FIELDS:  # name the other party as the owner (the office's form has these fields)
        value = getattr(o, f"{name}_id", None)
        if value:
            data[name] = value
    return data


def _return_create_json(w, o, v):
    data = {
        "campaign": w.campaign.pk,
        "title": "泄露检查·越权新建·活动",
        "starts_on": w.campaign.starts_on.isoformat(),
        "ends_on": w.campaign.starts_on.isoformat(),
    }
    if o.region_id:
        data["region"] = o.region.code
    for name in ("unit", "organisation", "base"):
        if getattr(o, f"{name}_id"):
            data[name] = getattr(o, f"{name}_id")
    return data


def _action(w, o, v):
    action = v.kwargs.get("_action", "")
    version = getattr(o, "report_version" if action.endswith("_report") else "version", 1)
    return {"action": action, "reason": "越权操作", "version": version}


def _bulk(w, o, v):
    """A bulk action (events:bulk) naming the object by id, with the versions the page would carry."""
    verb = v.kwargs.get("_verb", "")
    token = f"{o.pk}:report" if v.kwargs.get("_phase") == "report" else f"{o.pk}"
    return {
        "action": verb,
        "ids": [token],
        "reason": "越权操作",
        f"version_{o.pk}": getattr(o, "version", 1),
        f"report_version_{o.pk}": getattr(o, "report_version", 1),
    }


def _api_action(w, o, v):
    return {"reason": "越权操作", "version": getattr(o, "version", 1)}


def _api_report_action(w, o, v):
    return {"reason": "越权操作", "version": getattr(o, "report_version", 1)}


def _jpeg(name="越权.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def _pdf(name="越权.pdf"):
    return SimpleUploadedFile(name, "%PDF-1.4\n%越权\n".encode(), content_type="application/pdf")


def _base_form(w, o, v):
    return {
        "name": TAMPER,
        "region": getattr(o, "region_id", MISSING_PK),
        "category": "other",
        "opening_policy": "free",
    }


def _annual_form(w, o, v):
    return {
        "year": getattr(o, "year", 2020),
        "open_days": 1,
        "free_open_days": 0,
        "visitors": 1,
        "activities": 1,
        "staff_full_time": 0,
        "staff_part_time": 0,
        "volunteers": 0,
        "exhibition_area": "0",
        "funding": "0",
        "note": TAMPER,
    }


def _cert_form(w, o, v):
    certified = getattr(o, "certified_on", None)
    return {
        "level": "municipal",
        "certified_on": certified.isoformat() if certified else "2024-01-01",
        "note": TAMPER,
        "batch": TAMPER,
    }


TRANSITIONS = tuple(
    V(kwargs={"_action": a})
    for a in (
        "submit",
        "approve",
        "return",
        "reopen",
        "submit_report",
        "approve_report",
        "return_report",
        "reopen_report",
    )
)
BULK_ACTIONS = tuple(
    V(kwargs={"_verb": verb, "_phase": phase})
    for verb, phase in (
        ("submit", ""),
        ("submit_report", ""),
        ("delete", ""),
        ("approve", ""),
        ("return", ""),
        ("approve", "report"),
        ("return", "report"),
    )
)
REPORT_ACTIONS = tuple(V(kwargs={"action": a}) for a in ("submit", "accept", "return"))
BASE_KINDS = ("bases", "certifications", "reports")
FORMATS = ("xlsx", "csv")
REGION_QUERIES = ("", "?region=320402", "?region=320412", "?region=320412100")
SECTIONS = (
    "cards",
    "literacy",
    "bases",
    "bases-year",
    "activities-region",
    "activities-campaign",
    "activities-month",
    "activities-year",
    "regions",
    "populations",
)
HTML = "text/html"


def _q(*queries, accept=None):
    return tuple(V(query=q, accept=accept) for q in queries)


ROUTE_RULES: dict[str, Rule] = {
    # --- accounts, site-wide ---------------------------------------------------------------------------------------
    "home": listing("the start page: the user's own to-do list"),
    "login": public("the sign-in form: no records"),
    "logout": public("ends the session: no records"),
    "password_change": unscoped("the signed-in user's own password form: no records of any party"),
    "password_change_done": unscoped("a confirmation page: no records"),
    "set_language": public("i18n setlang: stores the UI language in a cookie"),
    "accounts:user-list": listing("the office's user list (others: 403)"),
    "accounts:tokens": listing("the signed-in user's own API tokens (its POST revokes them): no party's records"),
    "schema": unscoped("the OpenAPI description of the API (behind a login): no records"),
    "api-docs": unscoped("Swagger UI for the schema (vendored, behind a login): no records"),
    "healthz": public("liveness probe: database/broker/roll-up status, no records"),
    "common:audit": listing("the office's audit trail (others: 403)"),
    "admin:*": Rule("ADMIN", "the Django admin: staff (the office) only; every other persona is sent to its login"),
    "<unnamed> ^media/(?P<path>.*)$": Rule(
        "PUBLIC",
        "DEBUG only: public uploads (private files are never under MEDIA_ROOT, see common.storage)",
        optional=True,
    ),
    # --- the plan (shared data every signed-in user reads) ---------------------------------------------------------
    "programs:programme-list": listing("the plan: shared"),
    "programs:task-detail": listing("a plan task: shared", kwargs=lambda w, o, me: {"code": w.task.code}),
    "programs:unit-list": listing("member units: shared"),
    "programs:my-unit": listing("a liaison's redirect to its unit page"),
    "programs:unit-detail": listing("a member unit's tasks: shared", kwargs=lambda w, o, me: {"pk": w.unit_pk}),
    "programs:population-detail": listing(
        "a target population's tasks: shared", kwargs=lambda w, o, me: {"code": w.population_code}
    ),
    # --- the organisation tree -------------------------------------------------------------------------------------
    "programs:organisation-list": listing(
        variants=_q("", "?q=泄露检查", "?district={tianning_pk}", "?district={wujin_pk}"), shows="organisations"
    ),
    "programs:organisation-create": office(
        "the office keeps the organisation tree",
        model="programs.Organisation",
        body=lambda w, o, v: {
            "name": "泄露检查·越权新建·组织",
            "kind": "society",
            "region": w.tianning.pk,
            "code": "LEAK-NEW-1",
            "order": 0,
            "is_active": "on",
        },
        get_too=True,
    ),
    "programs:organisation-edit": write(
        "organisations",
        get_too=True,
        body=lambda w, o, v: {
            "name": TAMPER,
            "kind": "society",
            "region": getattr(o, "region_id", MISSING_PK),
            "code": getattr(o, "code", "X"),
            "order": 0,
            "is_active": "on",
        },
    ),
    "programs:town-create": office(
        "the office keeps the towns",
        model="programs.Region",
        get_too=True,
        body=lambda w, o, v: {"name": "越权镇", "code": "320412999", "parent": w.wujin.pk},
    ),
    "programs:town-edit": office(
        "the office keeps the towns (a town is a Region, not an owned record)",
        model="programs.Region",
        kwargs=lambda w, o, me: {"pk": w.hutang.pk},
        get_too=True,
        body=lambda w, o, v: {"name": TAMPER, "code": w.hutang.code, "parent": w.wujin.pk},
    ),
    # --- member-unit reports ---------------------------------------------------------------------------------------
    "programs:report-list": listing(shows="unit_reports"),
    "programs:report-completeness": listing("units × periods: the office's and leaders' (others: 403)"),
    "programs:period-create": office(
        "the office opens reporting periods",
        model="programs.ReportingPeriod",
        get_too=True,
        body=lambda w, o, v: {
            "year": 2031,
            "kind": "year",
            "opens_on": "2031-12-01",
            "due_on": "2032-01-15",
            "closes_on": "2032-03-31",
        },
    ),
    "programs:period-detail": listing(
        "a period (shared) with the reports the user may read",
        kwargs=lambda w, o, me: {"pk": w.period.pk},
        shows="unit_reports",
    ),
    "programs:period-toggle": office(
        "the office opens and closes periods",
        model="programs.ReportingPeriod",
        kwargs=lambda w, o, me: {"pk": w.period.pk},
        body=lambda w, o, v: {"open": "0"},
    ),
    "programs:period-mine": create(
        "programs.UnitReport", kwargs=lambda w, o, me: {"pk": w.period.pk}, body=lambda w, o, v: {}
    ),
    "programs:period-on-behalf": office(
        "the office enters a report on a unit's behalf",
        model="programs.UnitReport",
        kwargs=lambda w, o, me: {"pk": w.period.pk},
        body=lambda w, o, v: {"unit": w.unit_pk, "source_note": "越权"},
    ),
    "programs:period-consolidated": listing(
        "the consolidated report of what the user may read", kwargs=lambda w, o, me: {"pk": w.period.pk}
    ),
    "programs:period-consolidated-xlsx": export(kwargs=lambda w, o, me: {"pk": w.period.pk}),
    "programs:report-detail": read("unit_reports"),
    "programs:report-edit": write(
        "unit_reports", get_too=True, body=lambda w, o, v: {"summary": TAMPER, "version": getattr(o, "version", 1)}
    ),
    "programs:report-xlsx": read("unit_reports"),
    "programs:report-transition": write(
        "unit_reports",
        variants=REPORT_ACTIONS,
        kwargs=lambda w, o, me: {"pk": o.pk},
        body=lambda w, o, v: {"version": getattr(o, "version", 1), "reason": "越权"},
    ),
    "programs:report-attachment": read("unit_reports", kwargs=lambda w, o, me: {"pk": w.attachment_of(o).pk}),
    "programs:report-attachment-delete": write("unit_reports", kwargs=lambda w, o, me: {"pk": w.attachment_of(o).pk}),
    # --- bases -----------------------------------------------------------------------------------------------------
    "bases:list": listing(variants=_q("", "?q=泄露检查", "?region=320402", "?region=320412"), shows="bases"),
    "bases:create": create(
        "bases.Base",
        target="bases",
        get_too=True,
        body=lambda w, o, v: {
            "name": "泄露检查·越权新建·基地",
            "region": o.region_id,
            "category": "other",
            "opening_policy": "free",
        },
    ),
    "bases:expiring": listing(variants=_q("", "?months=60"), shows="certifications"),
    "bases:export": export(
        variants=tuple(V(kwargs={"kind": k}, query=f"?format={f}") for k in BASE_KINDS for f in FORMATS)
        + tuple(V(kwargs={"kind": k}, query="?format=xlsx&region=320402") for k in BASE_KINDS),
        shows="bases",
    ),
    "bases:template": export("a blank import template", variants=tuple(V(kwargs={"kind": k}) for k in BASE_KINDS)),
    "bases:import": Rule("IMPORT", "spreadsheet import of bases, certifications and annual reports"),
    "bases:detail": read("bases"),
    "bases:update": write("bases", get_too=True, body=_base_form),
    "bases:base-export": read(
        "bases",
        kwargs=PK,
        variants=tuple(V(kwargs={"kind": k}, query=f"?format={f}") for k in BASE_KINDS for f in FORMATS),
    ),
    "bases:certification-create": write("bases", get_too=True, body=_cert_form),
    "bases:certification-update": write("certifications", get_too=True, body=_cert_form),
    "bases:certification-revoke": write(
        "certifications", get_too=True, body=lambda w, o, v: {"revoked_on": _day(), "reason": "越权撤销"}
    ),
    "bases:report-create": write(
        "bases", get_too=True, body=lambda w, o, v: _annual_form(w, MISSING, v) | {"year": 2019}
    ),
    "bases:report-update": write(
        "annual_reports",
        get_too=True,
        body=_annual_form,
        kwargs=lambda w, o, me: {"pk": o.base_id, "report_pk": o.pk},
        mixed=lambda w, o, me: (lambda b: b and {"pk": b.pk, "report_pk": o.pk})(me.own("bases")),
    ),
    # --- events ----------------------------------------------------------------------------------------------------
    "events:list": listing(
        variants=_q(
            "",
            "?q=泄露检查",
            "?region=320402",
            "?region=320412",
            "?status=approved",
            "?status=submitted",
            "?campaign={campaign_pk}",
        ),
        shows="returns",
    ),
    "events:review-queue": listing("the review queue (office, district)", variants=_q("", "?campaign={campaign_pk}")),
    "events:create": create("events.ActivityReturn", target="returns", body=_return_create_form, get_too=True),
    "events:import": Rule("IMPORT", "the 活动安排表 import (xlsx → draft returns)"),
    "events:import-confirm": create("events.ActivityReturn", body=lambda w, o, v: {"token": "0" * 32}),
    "events:import-template": export("the blank 活动安排表 template", variants=_q("", "?campaign={campaign_pk}")),
    "events:import-export": export(
        "下载已填报活动: the activities the user may change, with their 编号",
        variants=_q("", "?campaign={campaign_pk}"),
    ),
    "events:detail": read("returns"),
    "events:edit": write("returns", get_too=True, body=_return_form),
    "events:delete": write("returns"),
    "events:transition": write("returns", variants=TRANSITIONS, body=_action),
    "events:bulk": write("returns", variants=BULK_ACTIONS, body=_bulk, kwargs=lambda w, o, me: {}),
    "events:photo-upload": write("returns", body=lambda w, o, v: {"photo": _jpeg()}),
    "events:photo": read(
        "returns",
        kwargs=lambda w, o, me: {"pk": o.pk, "photo_pk": w.photo_of(o).pk},
        shows=False,
        mixed=lambda w, o, me: (lambda r: r and {"pk": r.pk, "photo_pk": w.photo_of(o).pk})(me.own("returns")),
    ),
    "events:photo-delete": write(
        "returns",
        kwargs=lambda w, o, me: {"pk": o.pk, "photo_pk": w.photo_of(o).pk},
        mixed=lambda w, o, me: (lambda r: r and {"pk": r.pk, "photo_pk": w.photo_of(o).pk})(me.own("returns")),
    ),
    "events:summary-file": read("returns"),
    "events:report": write(
        "returns",
        get_too=True,
        body=lambda w, o, v: {
            "report_version": getattr(o, "report_version", 1),
            "summary_text": TAMPER,
            "summary_file": _pdf(),
            "actual_participants": 1,
            "online_views": 0,
            "volunteers": 0,
            "experts": 0,
            "budget": "0",
        },
    ),
    "events:campaign-list": listing("campaigns (shared) with counts of the returns the user may read"),
    "events:campaign-detail": listing(
        "a campaign (shared): completeness rows and summary of what the user may read",
        kwargs=lambda w, o, me: {"pk": w.campaign.pk},
    ),
    "events:campaign-create": office(
        "the office sets campaigns up",
        model="events.Campaign",
        get_too=True,
        body=lambda w, o, v: {
            "name": "越权专项",
            "year": 2030,
            "kind": "other",
            "starts_on": "2030-09-01",
            "ends_on": "2030-09-02",
            "schedule_due": "2030-08-01",
            "summary_due": "2030-09-30",
            "summary_days_after": 10,
            "regions": [w.campaign.regions.first().pk],
        },
    ),
    "events:campaign-edit": office(
        "the office sets campaigns up",
        model="events.Campaign",
        get_too=True,
        kwargs=lambda w, o, me: {"pk": w.campaign.pk},
        body=lambda w, o, v: {
            "name": TAMPER,
            "year": w.campaign.year,
            "kind": "other",
            "starts_on": w.campaign.starts_on.isoformat(),
            "ends_on": w.campaign.ends_on.isoformat(),
            "schedule_due": w.campaign.schedule_due.isoformat(),
            "summary_due": w.campaign.summary_due.isoformat(),
            "summary_days_after": 10,
            "regions": [w.campaign.regions.first().pk],
        },
    ),
    "events:campaign-copy": office(
        "the office sets campaigns up",
        model="events.Campaign",
        get_too=True,
        kwargs=lambda w, o, me: {"pk": w.campaign.pk},
    ),
    "events:campaign-publish": office(
        "the office publishes campaigns", model="events.Campaign", kwargs=lambda w, o, me: {"pk": w.campaign.pk}
    ),
    "events:campaign-file": create(
        "events.CampaignFiling",
        kwargs=lambda w, o, me: {"pk": w.campaign.pk},
        body=lambda w, o, v: {"kind": "summary", "text": "越权报送"},
    ),
    "events:filing-file": read("filings", kwargs=lambda w, o, me: {"pk": w.campaign.pk, "filing_pk": o.pk}),
    "events:campaign-export": export(kwargs=lambda w, o, me: {"pk": w.campaign.pk}),
    # --- dashboards ------------------------------------------------------------------------------------------------
    "indicators:dashboard": listing("dashboard", variants=_q(*REGION_QUERIES)),
    # --- the assessment (考核): the world holds no round, so the round pages are requested for a missing one here;
    # tests/assessment/test_pages.py walks them from every side on a real round
    "assessment:round-list": listing("the assessment rounds the user may see (accounts.scope)"),
    "assessment:scheme-create": office(
        "the office keeps assessment schemes",
        get_too=True,
        body=lambda w, o, v: {
            "year": 2031,
            "name": TAMPER,
            "assessed": "districts",
            "excellent_min": 90,
            "good_min": 80,
            "pass_min": 60,
        },
    ),
    "assessment:scheme-edit": office("the office keeps assessment schemes", kwargs=lambda w, o, me: {"pk": MISSING_PK}),
    "assessment:scheme-copy": office("the office copies schemes", kwargs=lambda w, o, me: {"pk": MISSING_PK}),
    "assessment:round-open": office("the office opens rounds", kwargs=lambda w, o, me: {"pk": MISSING_PK}),
    "assessment:round-advance": office("the office steps rounds", kwargs=lambda w, o, me: {"pk": MISSING_PK}),
    "assessment:round-recompute": office("the office recomputes", kwargs=lambda w, o, me: {"pk": MISSING_PK}),
    "assessment:review": office("the office reviews claims", kwargs=lambda w, o, me: {"pk": MISSING_PK}),
    "assessment:correct": office("the office corrects published results", kwargs=lambda w, o, me: {"pk": MISSING_PK}),
    "assessment:round-detail": listing(
        "a round (none in the world: a 404)", kwargs=lambda w, o, me: {"pk": MISSING_PK}
    ),
    "assessment:results": listing("a round's ranking (none in the world)", kwargs=lambda w, o, me: {"pk": MISSING_PK}),
    "assessment:results-xlsx": export(kwargs=lambda w, o, me: {"pk": MISSING_PK}),
    "assessment:sheet": listing(
        "a party's sheet (none in the world)",
        kwargs=lambda w, o, me: {"pk": MISSING_PK, "party": f"region-{w.tianning.pk}"},
    ),
    "assessment:sheet-xlsx": export(kwargs=lambda w, o, me: {"pk": MISSING_PK, "party": f"region-{w.tianning.pk}"}),
    "assessment:claim": unscoped("a party's claim on its own score: every side in tests/assessment/test_pages.py"),
    "assessment:evidence": unscoped("a claim's evidence file: every side in tests/assessment/test_pages.py"),
    "indicators:print": listing("the meeting sheet", variants=_q(*REGION_QUERIES)),
    "indicators:print-pdf": export(
        "the meeting sheet as PDF (Chromium): read page by page", variants=_q("", "?region=320402", "?region=320412")
    ),
    "indicators:cockpit": listing("the cockpit", variants=_q(*REGION_QUERIES)),
    "indicators:cockpit-print": listing("the cockpit's print page", variants=_q(*REGION_QUERIES)),
    "indicators:cockpit-pdf": export(
        "the cockpit as PDF (Chromium): read page by page", variants=_q("", "?region=320402", "?region=320412")
    ),
    "indicators:export": export(
        variants=tuple(V(kwargs={"section": s}) for s in SECTIONS)
        + tuple(
            V(kwargs={"section": s}, query="?region=320402")
            for s in SECTIONS
            if s.startswith(("activities", "regions"))
        )
    ),
    "indicators:observation-create": office(
        "the office records survey results", model="indicators.Observation", get_too=True
    ),
    "indicators:brief": export("the meeting brief (office, leaders; others 403)", variants=_q("", "?date=2023-08-02")),
    "indicators:indicator-detail": listing(
        kwargs=lambda w, o, me: {"code": "activity_participants"}, variants=_q(*REGION_QUERIES)
    ),
    # --- API: shared plan data -------------------------------------------------------------------------------------
    "api-root": listing("the API root: links to the collections"),
    "POST /api/v1/auth/token/": public("exchanges a username and password for the caller's own token"),
    "DELETE /api/v1/auth/token/": unscoped("revokes the caller's own token: no party's records"),
    "GET /api/v1/regions/": listing(),
    "GET /api/v1/regions/{code}/": listing(kwargs=lambda w, o, me: {"code": "320412"}),
    "GET /api/v1/units/": listing(),
    "GET /api/v1/units/{id}/": listing(kwargs=lambda w, o, me: {"id": w.unit_pk}),
    "GET /api/v1/populations/": listing(),
    "GET /api/v1/populations/{code}/": listing(kwargs=lambda w, o, me: {"code": w.population_code}),
    "GET /api/v1/programmes/": listing(),
    "GET /api/v1/programmes/{id}/": listing(kwargs=lambda w, o, me: {"id": w.programme_pk}),
    "GET /api/v1/tasks/": listing(),
    "GET /api/v1/tasks/{id}/": listing(kwargs=lambda w, o, me: {"id": w.task.pk}),
    "GET /api/v1/organisations/": listing(
        variants=_q("", "?region=320402", "?region=320412", "?kind=society") + _q("", accept=HTML),
        shows="organisations",
    ),
    "GET /api/v1/organisations/{id}/": read("organisations", kwargs=ID),
    "GET /api/v1/reporting-periods/": listing(),
    "GET /api/v1/assessment-rounds/": listing("the rounds the user may read (none in the world)"),
    "GET /api/v1/assessment-rounds/{id}/": listing(kwargs=lambda w, o, me: {"id": MISSING_PK}),
    "GET /api/v1/assessment-rounds/{id}/scores/": listing(kwargs=lambda w, o, me: {"id": MISSING_PK}),
    "GET /api/v1/assessment-rounds/{id}/results/": listing(kwargs=lambda w, o, me: {"id": MISSING_PK}),
    "POST /api/v1/reporting-periods/": office(
        "the office opens periods",
        model="programs.ReportingPeriod",
        fmt="json",
        body=lambda w, o, v: {
            "year": 2032,
            "kind": "year",
            "opens_on": "2032-12-01",
            "due_on": "2033-01-15",
            "closes_on": "2033-03-31",
        },
    ),
    "GET /api/v1/reporting-periods/{id}/": listing(kwargs=lambda w, o, me: {"id": w.period.pk}),
    # --- API: campaigns and activities -----------------------------------------------------------------------------
    "GET /api/v1/campaigns/": listing(variants=_q("", accept=HTML) + _q("")),
    "POST /api/v1/campaigns/": office(
        "the office keeps campaigns",
        model="events.Campaign",
        fmt="json",
        body=lambda w, o, v: {
            "name": "越权专项",
            "year": 2030,
            "kind": "other",
            "starts_on": "2030-09-01",
            "ends_on": "2030-09-02",
            "schedule_due": "2030-08-01",
            "summary_due": "2030-09-30",
        },
    ),
    "GET /api/v1/campaigns/{id}/": listing(kwargs=lambda w, o, me: {"id": w.campaign.pk}),
    "PUT /api/v1/campaigns/{id}/": office(
        "the office keeps campaigns",
        model="events.Campaign",
        fmt="json",
        target="campaign",
        kwargs=lambda w, o, me: {"id": w.campaign.pk},
        body=lambda w, o, v: {
            "name": TAMPER,
            "year": 2030,
            "kind": "other",
            "starts_on": "2030-09-01",
            "ends_on": "2030-09-02",
            "schedule_due": "2030-08-01",
            "summary_due": "2030-09-30",
        },
    ),
    "PATCH /api/v1/campaigns/{id}/": office(
        "the office keeps campaigns",
        model="events.Campaign",
        fmt="json",
        target="campaign",
        kwargs=lambda w, o, me: {"id": w.campaign.pk},
        body=lambda w, o, v: {"name": TAMPER},
    ),
    "DELETE /api/v1/campaigns/{id}/": office(
        "the office keeps campaigns",
        model="events.Campaign",
        target="campaign",
        kwargs=lambda w, o, me: {"id": w.campaign.pk},
    ),
    "POST /api/v1/campaigns/{id}/publish/": office(
        "the office publishes campaigns",
        model="events.Campaign",
        fmt="json",
        target="campaign",
        kwargs=lambda w, o, me: {"id": w.campaign.pk},
    ),
    "GET /api/v1/campaigns/{id}/completeness/": listing(kwargs=lambda w, o, me: {"id": w.campaign.pk}),
    "GET /api/v1/activities/": listing(
        variants=_q(
            "",
            "?search=泄露检查",
            "?region=320402",
            "?region=320412",
            "?status=approved",
            "?campaign={campaign_pk}",
            "?page_size=500",
        )
        + _q("", accept=HTML),
        shows="returns",
    ),
    "POST /api/v1/activities/": create("events.ActivityReturn", target="returns", body=_return_create_json, fmt="json"),
    "GET /api/v1/activities/{id}/": read("returns", kwargs=ID),
    "PUT /api/v1/activities/{id}/": write(
        "returns",
        kwargs=ID,
        fmt="json",
        body=lambda w, o, v: {
            "title": TAMPER,
            "starts_on": w.campaign.starts_on.isoformat(),
            "ends_on": w.campaign.starts_on.isoformat(),
            "category": "other",
            "format": "offline",
            "version": getattr(o, "version", 1),
        },
    ),
    "PATCH /api/v1/activities/{id}/": write(
        "returns", kwargs=ID, fmt="json", body=lambda w, o, v: {"title": TAMPER, "version": getattr(o, "version", 1)}
    ),
    "DELETE /api/v1/activities/{id}/": write("returns", kwargs=ID),
    "POST /api/v1/activities/{id}/submit/": write("returns", kwargs=ID, fmt="json", body=_api_action),
    "POST /api/v1/activities/{id}/approve/": write("returns", kwargs=ID, fmt="json", body=_api_action),
    "POST /api/v1/activities/{id}/return/": write("returns", kwargs=ID, fmt="json", body=_api_action),
    "POST /api/v1/activities/{id}/reopen/": write("returns", kwargs=ID, fmt="json", body=_api_action),
    "POST /api/v1/activities/{id}/submit-report/": write("returns", kwargs=ID, fmt="json", body=_api_report_action),
    "POST /api/v1/activities/{id}/approve-report/": write("returns", kwargs=ID, fmt="json", body=_api_report_action),
    "POST /api/v1/activities/{id}/return-report/": write("returns", kwargs=ID, fmt="json", body=_api_report_action),
    "POST /api/v1/activities/{id}/reopen-report/": write("returns", kwargs=ID, fmt="json", body=_api_report_action),
    # --- API: bases ------------------------------------------------------------------------------------------------
    "GET /api/v1/bases/": listing(
        variants=_q("", "?search=泄露检查", "?region=320402", "?region=320412") + _q("", accept=HTML), shows="bases"
    ),
    "POST /api/v1/bases/": create(
        "bases.Base",
        target="bases",
        fmt="json",
        body=lambda w, o, v: {"name": "泄露检查·越权新建·基地", "region": o.region.code},
    ),
    "GET /api/v1/bases/{id}/": read("bases", kwargs=ID),
    "PUT /api/v1/bases/{id}/": write(
        "bases",
        kwargs=ID,
        fmt="json",
        body=lambda w, o, v: {"name": TAMPER, "region": getattr(getattr(o, "region", None), "code", "320412")},
    ),
    "PATCH /api/v1/bases/{id}/": write("bases", kwargs=ID, fmt="json", body=lambda w, o, v: {"name": TAMPER}),
    "GET /api/v1/base-certifications/": listing(
        variants=_q("", "?base={tianning_base_pk}") + _q("", accept=HTML), shows="certifications"
    ),
    "GET /api/v1/base-certifications/{id}/": read("certifications", kwargs=ID),
    "GET /api/v1/base-annual-reports/": listing(
        variants=_q("", "?base={tianning_base_pk}") + _q("", accept=HTML), shows="annual_reports"
    ),
    "POST /api/v1/base-annual-reports/": create(
        "bases.BaseAnnualReport",
        target="bases",
        fmt="json",
        body=lambda w, o, v: {"base": o.pk, "year": 2018, "note": TAMPER},
    ),
    "GET /api/v1/base-annual-reports/{id}/": read("annual_reports", kwargs=ID),
    "PUT /api/v1/base-annual-reports/{id}/": write(
        "annual_reports",
        kwargs=ID,
        fmt="json",
        body=lambda w, o, v: {
            "base": getattr(o, "base_id", MISSING_PK),
            "year": getattr(o, "year", 2020),
            "note": TAMPER,
        },
    ),
    "PATCH /api/v1/base-annual-reports/{id}/": write(
        "annual_reports", kwargs=ID, fmt="json", body=lambda w, o, v: {"note": TAMPER}
    ),
    "DELETE /api/v1/base-annual-reports/{id}/": write("annual_reports", kwargs=ID),
    # --- API: unit reports -----------------------------------------------------------------------------------------
    "GET /api/v1/unit-reports/": listing(
        variants=_q("", "?search=泄露检查") + _q("", accept=HTML), shows="unit_reports"
    ),
    "POST /api/v1/unit-reports/": create(
        "programs.UnitReport",
        target="unit_reports",
        fmt="json",
        body=lambda w, o, v: {"unit": o.unit_id, "period": w.period.pk},
    ),
    "GET /api/v1/unit-reports/{id}/": read("unit_reports", kwargs=ID),
    "PATCH /api/v1/unit-reports/{id}/": write(
        "unit_reports",
        kwargs=ID,
        fmt="json",
        body=lambda w, o, v: {"summary": TAMPER, "version": getattr(o, "version", 1)},
    ),
    "POST /api/v1/unit-reports/{id}/submit/": write("unit_reports", kwargs=ID, fmt="json", body=_api_action),
    "POST /api/v1/unit-reports/{id}/accept/": write("unit_reports", kwargs=ID, fmt="json", body=_api_action),
    "POST /api/v1/unit-reports/{id}/return/": write("unit_reports", kwargs=ID, fmt="json", body=_api_action),
    "POST /api/v1/unit-reports/{id}/attachments/": write(
        "unit_reports",
        kwargs=ID,
        body=lambda w, o, v: {
            "task": w.task.code,
            "version": getattr(o, "version", 1),
            "file": SimpleUploadedFile("越权.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf"),
        },
    ),
    # --- API: indicators and the dashboard -------------------------------------------------------------------------
    "GET /api/v1/indicators/": listing("the indicator catalogue (definitions, targets): shared"),
    "GET /api/v1/indicators/{code}/": listing(kwargs=lambda w, o, me: {"code": "activity_participants"}),
    "GET /api/v1/indicators/{code}/values/": listing(
        kwargs=lambda w, o, me: {"code": "activity_participants"}, variants=_q(*REGION_QUERIES, "?dimension=month")
    ),
    "GET /api/v1/dashboard/summary/": listing(variants=_q(*REGION_QUERIES)),
    # --- notifications: each user's own; 催报 on the completeness pages --------------------------------------------
    "notifications:inbox": Rule("OWN", method="GET"),
    "notifications:open": Rule("OWN", kwargs=PK, method="GET"),
    "notifications:read": Rule("OWN", kwargs=PK, method="POST"),
    "notifications:read-all": Rule("OWN", method="POST"),
    "notifications:settings": Rule("OWN", method="POST", get_too=True, body=lambda w, o, v: {}),
    "notifications:remind-campaign": Rule("CHASE", model="events.Campaign", kwargs=PK),
    "notifications:remind-period": Rule("CHASE", model="programs.ReportingPeriod", kwargs=PK),
}


# === running the rules for one persona ================================================================================
def text_of(response) -> str:
    """Everything a response shows: html/json/csv as text, xlsx cell by cell, docx/zip member by member, a PDF's
    pages' text, with
    JSON/JS \\uXXXX escapes decoded."""
    data = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    pages = ""
    if data[:4] == b"%PDF":  # a PDF the portal printed (Chromium): its pages' text, beside the raw bytes
        from tests.browser.pdftext import Pdf

        pdf = Pdf(data)
        pages = "\n".join(pdf.text(page) for page in pdf.pages()) + "\n"
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(n.startswith("xl/") for n in names):
                import openpyxl

                book = openpyxl.load_workbook(io.BytesIO(data))
                cells = [ws.title for ws in book.worksheets]
                cells += [
                    str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
                ]
                return "\n".join(cells)
            return "\n".join(
                re.sub(r"<[^>]+>", " ", archive.read(n).decode("utf-8", "replace"))
                for n in names
                if n.endswith((".xml", ".rels", ".txt", ".csv"))
            )
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", "replace")
    return pages + text + "\n" + re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


# the rows hanging off each owned model that a write could add or remove (photos, reviews, entries, attachments …)
CHILDREN = {
    "events.ActivityReturn": ("photos", "transitions"),
    "events.CampaignFiling": (),
    "bases.Base": ("certifications", "annual_reports", "designations"),
    "bases.Certification": (),
    "bases.BaseAnnualReport": (),
    "bases.Designation": (),
    "programs.UnitReport": ("entries", "entries__attachments", "figures", "transitions"),
    "programs.Organisation": ("activity_returns",),
    "events.Campaign": ("returns", "filings"),
    "programs.ReportingPeriod": ("reports",),
    "programs.Region": ("children",),
}


def snapshot(obj) -> tuple | None:
    """The object's row and how many rows hang off it (CHILDREN), in one query; None once it is deleted."""
    from django.db.models import Count

    model = type(obj)
    children = CHILDREN[model._meta.label]
    return (
        model._default_manager.filter(pk=obj.pk)
        .annotate(**{f"_n_{name}": Count(name, distinct=True) for name in children})
        .values()
        .first()
    )


def model_counts(labels) -> dict:
    from django.apps import apps

    return {label: apps.get_model(label)._default_manager.count() for label in labels}


class Walker:
    def __init__(self, world: World, persona: str):
        from rest_framework.test import APIClient

        self.w, self.persona = world, persona
        self.user = world.users[persona]
        self.client = APIClient()
        if self.user is not None:
            self.client.force_login(self.user)
        self.kind = scope.scope_of(self.user).kind
        self.problems: list[str] = []
        self.requests = 0
        self.confirmed_imports = 0  # imports whose dry run passed, so that their confirm step ran too
        self.visible = {id(o): self._readable(o.obj) for o in world.all_owned()}
        self.foreign = [o for o in world.all_owned() if not self.visible[id(o)]]
        self.foreign_strings = [(s, o) for o in self.foreign for s in o.strings]
        self._missing_status: dict = {}
        self.url_values = {
            "campaign_pk": world.campaign.pk,
            "tianning_pk": world.tianning.pk,
            "wujin_pk": world.wujin.pk,
            "tianning_base_pk": world.owned["bases"][1].obj.pk,
        }

    # --- oracle -----------------------------------------------------------------------------------------------------
    def _readable(self, obj) -> bool:
        return scope.readable(self.user, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    def sees(self, owned: Owned) -> bool:
        return self.visible[id(owned)]

    def exercised(self, collection):
        """The objects a route is tried on: all of them (those the persona may read get the positive checks), but an
        anonymous visitor is sent to the login page whatever the object, so the first of each collection will do,
        and a leader is refused by role, so one object in each workflow state will do."""
        items = self.w.owned[collection]
        if self.user is None:
            return items[:1]
        if self.kind == "leader":
            by_status = {}
            for owned in items:
                by_status.setdefault(getattr(owned.obj, "status", None), owned)
            return list(by_status.values())
        return items

    def own(self, collection):
        """The first object of `collection` the persona may read (for child routes with a foreign child)."""
        return next((o.obj for o in self.w.owned[collection] if self.visible[id(o)]), None)

    # --- requests ---------------------------------------------------------------------------------------------------
    def url(self, key: str, kwargs: dict, variant: V) -> tuple[str, str]:
        kwargs = {k: v for k, v in {**kwargs, **variant.kwargs}.items() if not k.startswith("_")}
        if key.startswith(API_METHODS):
            method, template = key.split(" ", 1)
            path = template.format(**kwargs)
        elif key == "api-root":
            method, path = "GET", "/api/v1/"
        else:
            method, path = "GET", reverse(key, kwargs=kwargs or None)
        return method, path + variant.query.format(**self.url_values)

    def send(self, method: str, path: str, data=None, fmt="multipart", accept=None):
        self.requests += 1
        extra = {"HTTP_ACCEPT": accept} if accept else {}
        if method == "GET":
            return self.client.get(path, **extra)
        send = getattr(self.client, method.lower())
        if fmt == "json":
            return send(path, data or {}, format="json", **extra)
        if method == "POST":
            return send(path, data or {}, format="multipart", **extra)
        return send(path, data or {}, format="json", **extra)

    def problem(self, key, method, path, response, what):
        status = getattr(response, "status_code", "—")
        self.problems.append(f"[{self.persona}] {key}: {method} {path} → {status}: {what}")

    def check_body(self, key, method, path, response, text=None):
        """No string of an object the persona may not read appears; no 5xx; anonymous users are turned away."""
        if response.status_code >= 500:
            self.problem(key, method, path, response, "server error")
        text = text_of(response) if text is None else text
        for string, owned in self.foreign_strings:
            if string in text:
                self.problem(
                    key,
                    method,
                    path,
                    response,
                    f"shows “{string}” of {owned}, which accounts.scope says {self.persona} may not read",
                )
        if self.user is None and response.status_code not in (302, 401, 403):
            self.problem(key, method, path, response, "answers an anonymous visitor (expected login / 401 / 403)")
        elif self.user is None and response.status_code == 302 and "login" not in response.get("Location", ""):
            self.problem(key, method, path, response, f"redirects an anonymous visitor to {response['Location']}")
        return text

    def missing_status(self, key, rule, variant, kwargs_builder, method_override=None):
        """The status the persona gets for an object that does not exist (another party's must look the same)."""
        cache_key = (key, id(variant), method_override, id(kwargs_builder))
        if cache_key not in self._missing_status:
            kwargs = kwargs_builder(self.w, MISSING, self)
            method, path = self.url(key, kwargs, variant)
            method = method_override or method
            data = rule.body(self.w, MISSING, variant) if rule.body and method != "GET" else None
            response = self.send(method, path, data, rule.fmt, variant.accept)
            self._missing_status[cache_key] = response.status_code
        return self._missing_status[cache_key]

    # --- kinds ------------------------------------------------------------------------------------------------------
    def run(self):
        suffixed = _resolver_routes()[2]
        found = discovered_routes()
        for key, rule in ROUTE_RULES.items():
            if rule.optional and key not in found:
                continue
            handler = getattr(self, f"do_{rule.kind.lower()}")
            handler(key, rule)
            if rule.kind == "READ" and key.startswith("GET /api/"):
                template = key.split(" ", 1)[1]
                if template.rstrip("/") in suffixed:  # the router's `.json` twin of the detail route
                    self.do_read(key, dataclasses.replace(rule, variants=ONE), suffix=".json")
                self.probe_undocumented_methods(key, rule)
        self.check_dashboard_figure()
        self.check_nothing_foreign_changed()

    def do_public(self, key, rule):
        pass

    do_unscoped = do_public

    def do_admin(self, key, rule):
        if self.kind == "office":
            return
        from django.contrib import admin

        paths = ["/admin/"] + [
            reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry
        ]
        for path in paths:
            response = self.send("GET", path)
            if response.status_code != 302 or "/admin/login/" not in response.get("Location", ""):
                self.problem(key, "GET", path, response, "the admin answers a non-staff user")

    def do_list(self, key, rule):
        # filter variants try to coax another party's records out; with nothing foreign (office, leaders) or no user
        # (anonymous: a redirect whatever the query) the plain request is enough
        variants = rule.variants if self.foreign and self.user is not None else rule.variants[:1]
        for variant in variants:
            kwargs = rule.kwargs(self.w, None, self) if rule.kwargs else {}
            method, path = self.url(key, kwargs, variant)
            response = self.send("GET", path, accept=variant.accept)
            text = self.check_body(key, method, path, response)
            if not rule.shows or variant.query or variant.accept or self.user is None:
                continue
            for owned in self.w.owned[rule.shows]:
                listed = any(s in text for s in owned.strings) or (owned.url and f'"{owned.url}"' in text)
                if self.sees(owned) and not listed:
                    self.problem(key, method, path, response, f"does not list {owned}, which {self.persona} may read")

    def do_export(self, key, rule):  # text_of reads xlsx cell by cell, csv and docx as text
        self.do_list(key, rule)

    def _object_kwargs(self, rule, owned):
        yield rule.kwargs(self.w, owned.obj, self), rule.kwargs
        if rule.mixed is not None:
            kwargs = rule.mixed(self.w, owned.obj, self)
            if kwargs:
                yield kwargs, rule.mixed

    def do_read(self, key, rule, suffix=""):
        for owned in self.exercised(rule.target):
            for variant in rule.variants:
                for kwargs, builder in self._object_kwargs(rule, owned):
                    method, path = self.url(key, kwargs, variant)
                    if suffix:
                        path = path.rstrip("/") + suffix
                    mixed = builder is rule.mixed
                    if self.sees(owned) and not mixed:
                        if self.user is None:
                            continue
                        response = self.send("GET", path, accept=variant.accept)
                        text = self.check_body(key, method, path, response)
                        if response.status_code != 200:
                            self.problem(key, method, path, response, f"refuses {owned}, which {self.persona} may read")
                        elif rule.shows and not variant.accept and not any(s in text for s in owned.strings):
                            self.problem(key, method, path, response, f"does not show {owned} to {self.persona}")
                        continue
                    if self.sees(owned):
                        continue
                    response = self.send("GET", path, accept=variant.accept)
                    self.check_body(key, method, path, response)
                    self.expect_refused(key, method, path, response, rule, variant, builder, owned, suffix=suffix)

    def expect_refused(
        self, key, method, path, response, rule, variant, builder, owned, suffix="", method_override=None
    ):
        status = response.status_code
        if self.user is not None and status not in REFUSED:
            self.problem(key, method, path, response, f"does not refuse {owned} (expected 404, or the role's 403/405)")
            return
        if status in (302, 404, 405):  # a 404, a method refused whatever the object, the login page: nothing told
            return
        # a 403 (or 401) might depend on the object: it must be what a missing object gets, too
        if suffix:  # the `.json` twin: compared with the missing object's twin below
            missing = self._suffix_missing(key, rule, variant)
        else:
            missing = self.missing_status(key, rule, variant, builder, method_override)
        if status != missing:
            self.problem(
                key,
                method,
                path,
                response,
                f"answers {owned} with {status} but a missing object with "
                f"{missing}: another party's object must look missing",
            )

    def _suffix_missing(self, key, rule, variant):
        cache_key = (key, id(variant), "suffix")
        if cache_key not in self._missing_status:
            _m, path = self.url(key, rule.kwargs(self.w, MISSING, self), variant)
            self._missing_status[cache_key] = self.send("GET", path.rstrip("/") + ".json").status_code
        return self._missing_status[cache_key]

    def do_write(self, key, rule, method_override=None):
        leader = self.kind == "leader"  # leaders read everything and change nothing: every write is probed
        for owned in self.exercised(rule.target):
            visible = self.sees(owned)
            for variant in rule.variants:
                for kwargs, builder in self._object_kwargs(rule, owned):
                    mixed = builder is rule.mixed
                    if visible and not (leader and not mixed):
                        continue
                    method, path = self.url(key, kwargs, variant)
                    if not key.startswith(API_METHODS):
                        method = "POST"
                    method = method_override or method
                    if rule.get_too:
                        response = self.send("GET", path)
                        self.check_body(key, "GET", path, response)
                        if not visible:
                            self.expect_refused(
                                key, "GET", path, response, rule, variant, builder, owned, method_override="GET"
                            )
                    response = self.send(method, path, rule.body(self.w, owned.obj, variant), rule.fmt)
                    self.check_body(key, method, path, response)
                    if not visible:
                        self.expect_refused(
                            key, method, path, response, rule, variant, builder, owned, method_override=method
                        )
                    if self.changed(owned):
                        self.problem(
                            key, method, path, response, f"changed {owned}, which {self.persona} may not change"
                        )

    def probe_undocumented_methods(self, key, rule):
        """PUT/PATCH/DELETE on an API object path that the schema does not list: refused, nothing changes."""
        template = key.split(" ", 1)[1]
        documented = {m for m, p in api_operations() if p == template}
        body = {"name": TAMPER, "title": TAMPER, "note": TAMPER, "summary": TAMPER}
        probe = Rule("WRITE", target=rule.target, kwargs=rule.kwargs, body=lambda w, o, v: body, fmt="json")
        for method in ("PUT", "PATCH", "DELETE"):
            if method not in documented:
                self.do_write(f"{method} {template}", probe, method_override=method)

    def do_create(self, key, rule):
        from django.apps import apps

        model = apps.get_model(rule.model)
        leader = self.kind == "leader"  # leaders create nothing, whoever they name
        targets = [o for o in self.exercised(rule.target) if leader or not self.sees(o)] if rule.target else [None]
        if self.kind == "office":
            return  # the office files on behalf of anyone
        for owned in targets:
            obj = owned.obj if owned else None
            kwargs = rule.kwargs(self.w, obj, self) if rule.kwargs else {}
            method, path = self.url(key, kwargs, V())
            method = method if key.startswith("POST ") else "POST"
            if rule.get_too:
                self.check_body(key, "GET", path, self.send("GET", path))
            last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = self.send(method, path, rule.body(self.w, obj, V()), rule.fmt)
            self.check_body(key, method, path, response)
            self.check_created(key, method, path, response, model, last, owned)
            if owned is not None and self.changed(owned):
                self.problem(key, method, path, response, f"changed {owned}")

    def changed(self, owned: Owned) -> bool:
        """Has the object moved from the world's snapshot? (Another party's object, or anything a leader touched:
        neither may ever change, so the world's snapshot is the "before" of every request.)"""
        return snapshot(owned.obj) != self.w.snapshots[id(owned)]

    def check_created(self, key, method, path, response, model, last, owned):
        created = model._default_manager.filter(pk__gt=last)
        for obj in created:
            if self.user is None or not scope.can_change(self.user, obj):
                self.problem(
                    key,
                    method,
                    path,
                    response,
                    f"created {model.__name__} {obj.pk} ({obj}) outside {self.persona}'s scope"
                    + (f" (asked for the owner of {owned})" if owned else ""),
                )

    def do_office(self, key, rule):
        if self.kind == "office":
            return
        labels = [
            "programs.Organisation",
            "programs.Region",
            "programs.ReportingPeriod",
            "programs.UnitReport",
            "events.Campaign",
            "indicators.Observation",
        ]
        target = getattr(self.w, rule.target) if rule.target else None
        kwargs = rule.kwargs(self.w, target, self) if rule.kwargs else {}
        method, path = self.url(key, kwargs, V())
        if not key.startswith(("POST ", "PUT ", "PATCH ", "DELETE ")):
            method = "POST"
        shared = [self.w.campaign, self.w.period, self.w.hutang]
        before = (model_counts(labels), [snapshot(o) for o in shared])
        if rule.get_too:
            response = self.send("GET", path)
            self.check_body(key, "GET", path, response)
            if self.user is not None and response.status_code not in REFUSED:
                self.problem(key, "GET", path, response, "offers the office's form to another role")
        response = self.send(method, path, rule.body(self.w, target, V()), rule.fmt)
        self.check_body(key, method, path, response)
        if self.user is not None and response.status_code not in REFUSED:
            self.problem(key, method, path, response, "does not refuse a write reserved to the office")
        if (model_counts(labels), [snapshot(o) for o in shared]) != before:
            self.problem(key, method, path, response, "changed shared data reserved to the office")

    def do_own(self, key, rule):
        """A user's own records: another user's notification is a 404 for every persona (the office's too), is never
        marked read and shows in no response; nobody else's e-mail preference changes; the persona's own works."""
        from notifications.models import Notification, NotificationPreference

        other = self.w.users["tianning_user" if self.persona != "tianning_user" else "wujin_user"]
        foreign = Notification.objects.create(
            recipient=other,
            kind="returned",
            title="泄露检查·他人的通知",
            body="泄露检查·他人的通知内容",
            link="/events/",
        )
        mine = (
            Notification.objects.create(
                recipient=self.user, kind="approved", title=f"本人通知·{self.persona}", link="/events/"
            )
            if self.user is not None
            else None
        )

        def prefs():
            return sorted(
                NotificationPreference.objects.exclude(user=self.user).values_list("user_id", "email_enabled")
            )

        before = prefs()
        body = rule.body or (lambda w, o, v: {})
        try:
            requests = [("GET", {})] if rule.get_too else []
            requests.append((rule.method, rule.kwargs(self.w, foreign, self) if rule.kwargs else {}))
            for method, kwargs in requests:
                _m, path = self.url(key, kwargs, V())
                response = self.send(method, path, body(self.w, foreign, V()) if method != "GET" else None)
                text = self.check_body(key, method, path, response)
                if "泄露检查·他人的通知" in text:
                    self.problem(key, method, path, response, "shows another user's notification")
                if self.user is not None and kwargs and response.status_code != 404:
                    self.problem(key, method, path, response, "answers another user's notification (expected 404)")
            foreign.refresh_from_db()
            if foreign.read_at is not None:
                self.problem(key, rule.method, path, response, "marked another user's notification read")
            if prefs() != before:
                self.problem(key, rule.method, path, response, "changed another user's e-mail preference")
            if mine is not None:
                kwargs = rule.kwargs(self.w, mine, self) if rule.kwargs else {}
                _m, path = self.url(key, kwargs, V())
                response = self.send(rule.method, path, body(self.w, mine, V()) if rule.method != "GET" else None)
                if response.status_code not in (200, 302):
                    self.problem(key, rule.method, path, response, f"refuses {self.persona}'s own notification")
                if key == "notifications:inbox" and mine.title not in text_of(response):
                    self.problem(key, "GET", path, response, f"does not list {self.persona}'s own notification")
        finally:
            Notification.objects.filter(pk__in=[foreign.pk] + ([mine.pk] if mine else [])).delete()
            if self.user is not None:
                NotificationPreference.objects.filter(user=self.user).delete()

    def _chase_target(self, label):
        """A campaign (every district and both units) or a reporting period nobody has filed for, due in two days."""
        from events.models import Campaign
        from programs.models import Plan, Region, ReportingPeriod, ResponsibleUnit

        today = timezone.localdate()
        if label == "events.Campaign":
            campaign = Campaign.objects.create(
                kind="other",
                year=today.year,
                name="催报检查专项",
                starts_on=today + dt.timedelta(days=5),
                ends_on=today + dt.timedelta(days=6),
                schedule_due=today + dt.timedelta(days=2),
                summary_due=today + dt.timedelta(days=20),
            )
            campaign.regions.set(Region.objects.districts())
            campaign.units.set(ResponsibleUnit.objects.filter(name__in=["市教育局", "市农业农村局"]))
            return campaign
        return ReportingPeriod.objects.create(
            plan=Plan.objects.order_by("-start_year").first(),
            year=today.year + 3,
            kind="year",
            name="催报检查周期",
            opens_on=today - dt.timedelta(days=1),
            due_on=today + dt.timedelta(days=2),
            closes_on=today + dt.timedelta(days=30),
            is_open=True,
        )

    def do_chase(self, key, rule):
        """催报 on a target of its own whose parties have not filed: only the parties accounts.scope.chase_level
        allows send (unit reports: the city alone); each reminder reaches a user of a party at the sender's own
        level — the city's districts and units, a district's towns, organisations and bases; nobody else's POST
        sends anything. The target and everything sent are removed afterwards."""
        from notifications.models import Notification, ReminderLog

        first = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        target = self._chase_target(rule.model)
        level = scope.chase_level(self.user)
        campaign = rule.model == "events.Campaign"
        allowed = level is not None and (campaign or level[0] == "city")
        try:
            _m, path = self.url(key, rule.kwargs(self.w, target, self), V())
            response = self.send("POST", path)
            self.check_body(key, "POST", path, response)
            sent = list(Notification.objects.filter(pk__gt=first, kind="reminder").select_related("recipient"))
            if not allowed:
                if self.user is not None and response.status_code not in REFUSED:
                    self.problem(key, "POST", path, response, "does not refuse a 催报 from a party that may not chase")
                if sent or ReminderLog.objects.exists():
                    self.problem(key, "POST", path, response, f"sent {len(sent)} reminders for {self.persona}")
                return
            if not sent:
                self.problem(key, "POST", path, response, "sent no reminder, though parties at its level are late")
            for notice in sent:
                theirs = scope.scope_of(notice.recipient)
                if level[0] == "city":
                    fits = theirs.kind in (("district", "unit") if campaign else ("unit",))
                else:
                    fits = theirs.kind in ("town", "organisation", "base") and theirs.district == level[1]
                if not fits:
                    self.problem(
                        key,
                        "POST",
                        path,
                        response,
                        f"reminded {notice.recipient} ({theirs.kind}), outside {self.persona}'s level",
                    )
        finally:
            Notification.objects.filter(pk__gt=first).delete()
            ReminderLog.objects.all().delete()
            target.delete()

    def do_import(self, key, rule):
        if self.kind == "office":
            return
        if key == "events:import":
            return self._import_returns(key)
        for kind, collection, row in BASE_IMPORTS:
            from bases.views import RESOURCES

            resource_class = RESOURCES[kind][0]
            model = resource_class._meta.model
            path = reverse(key, kwargs={"kind": kind})
            self.check_body(key, "GET", path, self.send("GET", path))
            for owned in [o for o in self.exercised(collection) if self.kind == "leader" or not self.sees(o)]:
                for make in row:
                    values = make(owned.obj)
                    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
                    data = _xlsx(resource_class.column_names(), values)
                    response = self.send("POST", path, {"file": SimpleUploadedFile(f"{kind}.xlsx", data)})
                    self.check_body(key, "POST", path, response)
                    token = _token(response)
                    if token:
                        self.confirmed_imports += 1
                        response = self.send("POST", path, {"token": token.group(1)})
                        self.check_body(key, "POST", path + " (confirm)", response)
                    if self.changed(owned):
                        self.problem(key, "POST", path, response, f"an import changed {owned}")
                    self.check_created(key, "POST", path, response, model, last, owned)

    def _import_returns(self, key):
        from events.models import ActivityReturn
        from events.resources import KNOWN_HEADERS

        path = reverse(key)
        self.check_body(key, "GET", path, self.send("GET", path))
        for owned in [
            o for o in self.exercised("returns") if (self.kind == "leader" or not self.sees(o)) and o.obj.region_id
        ]:
            values = {
                "活动名称": "泄露检查·越权导入·活动",
                "活动类别": "其他",
                "开始日期": _day(),
                "结束日期": _day(),
                "所属辖市(区)": owned.obj.region.name,
                "所在镇(街道)": owned.obj.region.name,
            }
            last = ActivityReturn.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            data = _xlsx(KNOWN_HEADERS, values)
            response = self.send(
                "POST", path, {"file": SimpleUploadedFile("import.xlsx", data), "campaign": self.w.campaign.pk}
            )
            self.check_body(key, "POST", path, response)
            token = _token(response)
            if token:
                self.confirmed_imports += 1
                confirm = reverse("events:import-confirm")
                response = self.send("POST", confirm, {"token": token.group(1)})
                self.check_body("events:import-confirm", "POST", confirm, response)
            self.check_created(key, "POST", path, response, ActivityReturn, last, owned)

    # --- the dashboards' figure and the final sweep -----------------------------------------------------------------
    def check_dashboard_figure(self):
        """Office and leaders (and 天宁区 itself) see 天宁's 987,654 on its dashboard; the sweep over every list has
        checked that nobody else sees it anywhere."""
        tianning_return = next(o for o in self.w.owned["returns"] if o.label == "天宁区")
        regions = {r.code for r in scope.dashboard_regions(self.user)}
        if not (self.sees(tianning_return) and "320402" in regions):
            return
        for path in (
            "/indicators/?region=320402",
            "/api/v1/indicators/activity_participants/values/?region=320402",
            "/indicators/export/activities-region.xlsx?region=320402",
        ):
            response = self.send("GET", path)
            text = text_of(response)
            if response.status_code != 200 or not any(s in text for s in tianning_return.strings[1:]):
                self.problem("dashboard", "GET", path, response, f"does not show 天宁区's {TIANNING_PARTICIPANTS:,}")

    def check_nothing_foreign_changed(self):
        """After every route: every object the persona may not read is exactly as the world made it."""
        for owned in self.foreign:
            if self.changed(owned):
                self.problem("(all routes)", "—", "—", None, f"{owned} was changed by one of the requests")


def _token(response):
    """The confirm token of an import preview that passed its dry run (None when it was refused)."""
    return re.search(r'name="token" value="([0-9a-f]{32})"', response.content.decode("utf-8", "replace"))


def _xlsx(headers, values: dict) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    sheet.append([values.get(h, "") for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BASE_IMPORTS = (  # kind, collection, rows: (update the other party's record by its id) and (create under it)
    (
        "bases",
        "bases",
        (
            lambda b: {"编号": b.pk, "基地名称": TAMPER, "所属区域": b.region.name},
            lambda b: {"基地名称": "泄露检查·越权导入·基地", "所属区域": b.region.name},
        ),
    ),
    (
        "reports",
        "annual_reports",
        (
            lambda r: {"编号": r.pk, "基地编号": r.base_id, "年度": r.year, "备注": TAMPER},
            lambda r: {"基地编号": r.base_id, "年度": 2017, "备注": TAMPER},
        ),
    ),
    (
        "certifications",
        "certifications",
        (
            lambda c: {
                "编号": c.pk,
                "基地编号": c.base_id,
                "级别": "市级",
                "认定日期": c.certified_on.isoformat(),
                "批次": TAMPER,
            },
            lambda c: {"基地编号": c.base_id, "级别": "市级", "认定日期": "2024-01-01", "批次": TAMPER},
        ),
    ),
)


# === the tests ========================================================================================================
def _rule_coverage_problems() -> list[str]:
    found = discovered_routes()
    required = {k for k, r in ROUTE_RULES.items() if not r.optional or k in found}
    problems = [f"route {k} ({found[k]}) has no scope rule in ROUTE_RULES" for k in sorted(set(found) - required)]
    problems += [
        f"ROUTE_RULES has a rule for {k}, but no such route exists (removed or renamed?)"
        for k in sorted(required - set(found))
    ]
    problems += [
        f"ROUTE_RULES[{k!r}] is not exercised ({r.kind}) and must say why in one line"
        for k, r in ROUTE_RULES.items()
        if r.kind in ("PUBLIC", "UNSCOPED", "ADMIN") and not r.why
    ]
    return problems


def test_every_route_has_a_scope_rule():
    problems = _rule_coverage_problems()
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_keeps_each_persona_to_its_own_scope(persona, world):
    coverage = _rule_coverage_problems()
    assert not coverage, "\n".join(coverage)  # first: a new route without a rule fails here

    started = time.monotonic()
    walker = Walker(world, persona)
    walker.run()
    print(
        f"\n{persona}: {walker.requests} requests in {time.monotonic() - started:.1f}s; "
        f"{len(walker.foreign)} objects it may not read; {walker.confirmed_imports} imports confirmed"
    )
    assert not walker.problems, f"{len(walker.problems)} scope problems:\n" + "\n".join(walker.problems)
