"""KepuResource: a ModelResource with a user, a stable id column (编号), a natural-key fallback, a queryset limited
to what the user may touch, in-file duplicate checks and bulk writes with history."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources, widgets
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .widgets import LookupWidget, shown, whole_number


# --- the resource base -----------------------------------------------------------------------
class RowRejected(Exception):
    pass


class KepuResource(resources.ModelResource):
    """ModelResource with a user, a stable id column (`id_column`) and a natural-key fallback.

    Subclasses set `required_columns`, optionally `natural_key(row_instance)` and override
    `scoped_queryset(user)` (what the user may update) and `check_scope(instance)` (raise
    ValidationError naming the column when the row points outside the user's scope)."""

    required_columns: list[str] = []
    # attributes (or tuples of them) whose non-blank values must not repeat in one file
    unique_in_file: list[str | tuple[str, ...]] = []
    # fields whose database constraints `check_in_memory_constraints` checks against data loaded once per file
    # (instead of one query per row); the database still enforces them when the batch is written
    constraints_checked_in_memory: set[str] = set()
    # foreign keys the resource sets from objects it loaded itself (the user, the campaign, a widget's cache): no
    # existence query per row
    trusted_foreign_keys: frozenset[str] = frozenset()
    # True when every check constraint of the model is already said in words by the widgets / import_instance:
    # no validate_constraints query per row (the database still enforces them when the batch is written)
    constraints_said_in_words = False

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._seen: dict[str, dict] = {}

    # columns
    @classmethod
    def column_names(cls) -> list[str]:
        return [f.column_name for f in cls().get_export_fields()]

    def import_columns(self) -> list[str]:
        return [f.column_name for f in self.get_export_fields()]

    def column_for(self, attribute: str) -> str:
        if attribute == NON_FIELD_ERRORS:
            return ""
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        return ""

    def before_import(self, dataset, **kwargs):
        # the id column is optional in an upload (blank ids = new rows); import-export wants it present
        id_column = self.fields["id"].column_name
        if id_column not in (dataset.headers or []):
            dataset.append_col([None] * len(dataset), header=id_column)
        super().before_import(dataset, **kwargs)
        self._stamp = timezone.now()  # one history date for every record this import writes in bulk
        self._pending_m2m: dict[int, tuple] = {}
        # the rows' existing instances (by the id column) in a query per 500 ids, not one per row
        ids = {whole_number(raw) for raw in (dataset[id_column] if len(dataset) else []) if raw not in (None, "")}
        self._by_pk = self.load_instances(ids - {None})

    def load_instances(self, ids) -> dict:
        ids, found = sorted(ids), {}
        for i in range(0, len(ids), 500):
            found.update({obj.pk: obj for obj in self.get_queryset().filter(pk__in=ids[i : i + 500])})
        return found

    # instances
    def scoped_queryset(self):
        return self._meta.model.objects.all()

    def get_queryset(self):
        return self.scoped_queryset()

    def natural_key_lookup(self, row):
        """An existing instance (in scope) matching the row's natural key, or None: lets a filled-in
        template without ids be imported twice without duplicating."""
        return None

    def get_or_init_instance(self, instance_loader, row):
        id_column = self.fields["id"].column_name
        raw = row.get(id_column)
        if raw not in (None, ""):
            pk = whole_number(raw)
            if pk is None:
                raise ValidationError(
                    {
                        "id": _("编号“%(value)s”不是有效的编号:请保留导出文件中的编号,新记录留空。")
                        % {"value": shown(raw)}
                    }
                )
            cache = getattr(self, "_by_pk", None)
            instance = cache.get(pk) if cache is not None else self.get_queryset().filter(pk=pk).first()
            if instance is None:
                raise ValidationError({"id": _("编号 %(pk)s 的记录不存在或不在您的管理范围内。") % {"pk": pk}})
            return instance, False
        try:
            existing = self.natural_key_lookup(row)
        except (ValueError, ValidationError):  # reported by import_instance with its column
            existing = None
        if existing is not None:
            return existing, False
        return self.init_instance(row), True

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        for field in self.get_import_fields():  # many-to-many values are checked now, saved later
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as e:
                    errors[field.attribute] = [str(e)]
        if not errors:
            try:
                self.check_scope(instance)
            except ValidationError as e:
                errors = e.update_error_dict(errors)
        for spec in ["id", *self.unique_in_file]:  # one record updated by two rows: the second would silently win
            attributes = spec if isinstance(spec, tuple) else (spec,)
            if any(a in errors for a in attributes):
                continue
            key = tuple(getattr(instance, instance._meta.get_field(a).attname, None) for a in attributes)
            if any(v in (None, "") for v in key):
                continue
            first = self._seen.setdefault(spec, {}).setdefault(key, kwargs.get("row_number"))
            if first != kwargs.get("row_number"):
                shown = " / ".join(str(getattr(instance, a)) for a in attributes)
                errors[attributes[-1]] = [
                    _("“%(value)s”与文件中第 %(row)s 行重复。") % {"value": shown, "row": self._spreadsheet_row(first)}
                ]
        if errors:
            raise ValidationError(errors)

    def check_scope(self, instance):
        """Raise ValidationError when the row points outside what the user may touch."""

    def check_in_memory_constraints(self, instance):
        """Raise ValidationError for a constraint on `constraints_checked_in_memory` fields that the row breaks."""

    def refusal(self) -> str | None:
        """A Chinese message when the user may not import this kind of row at all (checked before any row)."""
        return None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # blank text cells arrive as None: text columns store "" (full_clean then says "不能为空" if required)
        from django.db import models as djmodels

        for f in instance._meta.concrete_fields:
            if (
                isinstance(f, (djmodels.CharField, djmodels.TextField))
                and not f.null
                and getattr(instance, f.attname) is None
            ):
                setattr(instance, f.attname, "")
        errors = dict(import_validation_errors or {})
        # foreign keys filled by a LookupWidget came from the database already: skip the existence query
        looked_up = [f.attribute for f in self.get_import_fields() if isinstance(f.widget, LookupWidget)]
        looked_up += list(self.trusted_foreign_keys)
        # (Model.full_clean, with the field checks skipping those foreign keys but constraints still checked)
        in_memory = set(self.constraints_checked_in_memory)
        # each step reads `errors` as it stands when the step runs (the steps before it may have added fields)
        steps = (
            lambda errors: instance.clean_fields(exclude=set(errors) | set(looked_up)),
            lambda errors: instance.clean(),
            lambda errors: validate_unique and instance.validate_unique(exclude=set(errors)),
            lambda errors: self.constraints_said_in_words
            or instance.validate_constraints(exclude=set(errors) | in_memory),
            lambda errors: in_memory and not (in_memory & set(errors)) and self.check_in_memory_constraints(instance),
        )
        for step in steps:
            try:
                step(errors)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(self._constraint_errors_to_columns(instance, ValidationError(errors).message_dict))

    def save_instance(self, instance, is_create, row, **kwargs):
        """The preview (dry run) checks every row but writes nothing: duplicates inside the file are caught by
        `unique_in_file`, those against the database by the model's constraints (validate_constraints).
        With Meta.use_bulk the real run queues the instance; `bulk_create` / `bulk_update` write each batch."""
        if kwargs.get("dry_run"):
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        if not self._meta.use_bulk:
            super().save_m2m(instance, row, **kwargs)
            return
        values = {
            field.attribute: field.clean(row, **kwargs)
            for field in self.get_import_fields()
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row
        }
        if values:  # a missing column leaves the relation as it is
            self._pending_m2m[id(instance)] = (instance, values)

    # --- bulk writes (Meta.use_bulk): every batch in a savepoint, with history (who, when, what) -----------
    # Only for models whose save() adds nothing and that no post_save receiver other than simple-history's
    # listens to (bulk_create / bulk_update send no signals).
    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        objs = list(self.create_instances)
        self.create_instances.clear()
        if dry_run or not objs:
            return
        try:
            with transaction.atomic():
                created = bulk_create_with_history(
                    objs,
                    self._meta.model,
                    batch_size=self._meta.batch_size,
                    default_user=self._history_user(),
                    default_date=self._stamp,
                )
                if any(o.pk is None for o in created):  # pragma: no cover - every supported database returns ids
                    raise RuntimeError("bulk_create did not return primary keys")
                for new, obj in zip(created, objs, strict=False):
                    obj.pk = new.pk
                self._write_m2m(objs, created=True)
        except Exception as e:
            self.handle_import_error(result, e, raise_errors)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        objs = list(self.update_instances)
        self.update_instances.clear()
        if dry_run or not objs:
            return
        model = self._meta.model
        fields = self.bulk_update_fields()
        try:
            with transaction.atomic():
                for obj in objs:
                    for f in fields:
                        if getattr(f, "auto_now", False):
                            setattr(obj, f.attname, self._stamp)
                bulk_update_with_history(
                    objs,
                    model,
                    [f.name for f in fields],
                    batch_size=self._meta.batch_size,
                    default_user=self._history_user(),
                    default_date=self._stamp,
                )
                self._write_m2m(objs, created=False)
        except Exception as e:
            self.handle_import_error(result, e, raise_errors)

    def bulk_update_fields(self) -> list:
        """The columns a bulk update writes: every concrete field but the key and the creation stamp (a resource
        may narrow it to what its sheet carries, so that a field the sheet does not hold is never written back)."""
        model = self._meta.model
        return [f for f in model._meta.concrete_fields if not f.primary_key and not getattr(f, "auto_now_add", False)]

    def _history_user(self):
        return self.user if self.user is not None and self.user.is_authenticated else None

    def _write_m2m(self, objs, created: bool):
        """Many-to-many values queued by save_m2m, then the history's copy of them for the records just written
        (simple-history's bulk helpers leave the historical m2m tables empty)."""
        model = self._meta.model
        pending = [self._pending_m2m.pop(id(obj)) for obj in objs if id(obj) in self._pending_m2m]
        m2m_fields = {f.name: f for f in model._meta.many_to_many}
        for name in sorted({n for _obj, values in pending for n in values}):
            field = m2m_fields[name]
            through = field.remote_field.through
            src, dst = field.m2m_field_name(), field.m2m_reverse_field_name()
            rows = [(obj, values[name]) for obj, values in pending if name in values]
            if not created:
                through.objects.filter(**{f"{src}_id__in": [obj.pk for obj, _v in rows]}).delete()
            through.objects.bulk_create(
                [
                    through(**{f"{src}_id": obj.pk, f"{dst}_id": target.pk})
                    for obj, targets in rows
                    for target in targets
                ],
                batch_size=2000,
            )
        history = model.history.model
        tracked = getattr(history, "_history_m2m_fields", [])
        if not tracked:
            return
        pk_name = model._meta.pk.attname
        records = list(
            history.objects.filter(history_date=self._stamp, **{f"{pk_name}__in": [o.pk for o in objs]}).values_list(
                "history_id", pk_name
            )
        )
        for field in tracked:
            m2m_history = getattr(history, field.name).model
            through = field.remote_field.through
            src = field.m2m_field_name()
            names = [f.attname for f in through._meta.concrete_fields]  # the through row's id is copied too
            current: dict = {}
            for values in through.objects.filter(**{f"{src}_id__in": [pk for _h, pk in records]}).values(*names):
                current.setdefault(values[f"{src}_id"], []).append(values)
            m2m_history.objects.bulk_create(
                [
                    m2m_history(history_id=history_id, **values)
                    for history_id, pk in records
                    for values in current.get(pk, [])
                ],
                batch_size=2000,
            )

    @staticmethod
    def _constraint_errors_to_columns(instance, errors: dict) -> dict:
        """A violated single-field constraint is reported by Django as a non-field error: put it on its column."""
        from django.db.models import UniqueConstraint

        by_message = {
            str(c.violation_error_message): c.fields[0]
            for c in instance._meta.constraints
            if isinstance(c, UniqueConstraint) and len(c.fields) == 1 and c.violation_error_message
        }
        errors = {k: list(v) for k, v in errors.items()}
        for message in list(errors.get(NON_FIELD_ERRORS, [])):
            field = by_message.get(str(message))
            if field:
                errors[NON_FIELD_ERRORS].remove(message)
                errors.setdefault(field, []).append(message)
        if NON_FIELD_ERRORS in errors and not errors[NON_FIELD_ERRORS]:
            del errors[NON_FIELD_ERRORS]
        return errors

    def export_queryset(self, queryset):
        return queryset

    def _spreadsheet_row(self, number):
        numbers = getattr(self, "row_numbers", None)
        return numbers[number - 1] if numbers and number else number
