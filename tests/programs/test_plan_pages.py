import pytest
from django.urls import reverse

from programs.models import ResponsibleUnit, TargetPopulation, Task

pytestmark = pytest.mark.django_db


def test_programme_page_lists_programmes_tasks_measures_and_targets(client_for, leader_user):
    body = client_for(leader_user).get(reverse("programs:programme-list")).content.decode()
    for text in ("科学素质提升工程", "科普服务提优工程", "一.1.(1) 推进青少年科学教育", "高素质农民", "组织实施"):
        assert text in body


def test_measure_page_shows_text_units_and_targets(client_for, leader_user):
    body = client_for(leader_user).get(reverse("programs:task-detail", args=["一.2.(1)"])).content.decode()
    assert "拓宽培育规模" in body and "市农业农村局" in body and "4500" in body


def test_unit_page_answers_what_is_my_unit_responsible_for(client_for, liaison_user):
    unit = ResponsibleUnit.objects.get(name="市教育局")
    body = client_for(liaison_user).get(reverse("programs:unit-detail", args=[unit.pk])).content.decode()
    for code in Task.objects.assigned_to(unit).values_list("code", flat=True):
        assert code in body
    assert "一.1 提升青少年科学素质" in body
    assert "一.5 提升领导干部和公务员科学素质" not in body  # 市教育局 is not on that line


def test_population_page_lists_tasks_aimed_at_it(client_for, leader_user):
    farmers = TargetPopulation.objects.get(code="farmers")
    body = client_for(leader_user).get(reverse("programs:population-detail", args=["farmers"])).content.decode()
    assert "一.2 提升农民科学素质" in body and "一.2.(2)" in body
    assert "一.1 提升青少年科学素质" not in body
    assert farmers.name in body


def test_unknown_task_is_404(client_for, leader_user):
    assert client_for(leader_user).get(reverse("programs:task-detail", args=["九.9"])).status_code == 404
