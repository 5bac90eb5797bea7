"""The database, table by table, as gzipped JSON lines that any supported engine can load back.

Every table of every installed model is written with its own primary keys (content types, permissions
and Wagtail's pages included), row by row through a server-side cursor, so memory stays flat however
large the database. Values are written the way Django's serializers write them (`value_to_string`) and
read back with `to_python`, which is what lets a SQLite backup load into PostgreSQL and back.
"""

import base64
import datetime
import decimal
import gzip
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, models, router, transaction
from django.utils.encoding import is_protected_type

# The search index is derived from the pages and differs between engines (PostgreSQL keeps tsvectors,
# SQLite an FTS5 table filled by triggers), and the indicator summary tables (models marked
# `derived_from_records`, reports/summaries.py) are derived from the records: they are not backed up,
# and restore rebuilds them.
SEARCH_TABLES = frozenset({"wagtailsearch_indexentry", "wagtailsearch_indexentry_fts"})
CHUNK = 2000


def summary_tables() -> frozenset[str]:
    """The tables of every model derived from the records (the indicator summaries)."""
    return frozenset(m._meta.db_table for m in apps.get_models() if getattr(m, "derived_from_records", False))


def derived_tables() -> frozenset[str]:
    """Tables a backup leaves out and restore rebuilds: the search index and the indicator summaries."""
    return SEARCH_TABLES | summary_tables()


def backed_up_models(using: str = "default") -> list[type[models.Model]]:
    """Every model with a table of its own in this database (many-to-many tables included), derived tables excepted."""
    found, derived = [], derived_tables()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in derived:
            continue
        if router.allow_migrate_model(using, model):
            found.append(model)
    return found


def _encode(value):
    """JSON for the values `value_to_string` leaves as they are (full precision, unlike DjangoJSONEncoder)."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} cannot be written to a backup")


def _value(field: models.Field, obj: models.Model):
    value = field.value_from_object(obj)
    if value is None or is_protected_type(value) or isinstance(value, str):
        return value
    return field.value_to_string(obj)


def dump_database(target: Path, *, using: str = "default") -> dict[str, int]:
    """Write every backed-up table to a gzipped JSON-lines file; return the number of rows of each table.

    All tables are read in one transaction, so that the site may keep running: on PostgreSQL it sees one
    snapshot (repeatable read), on SQLite writers wait until it ends.
    """
    connection = connections[using]
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(using=using):
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _dump(target, using)


def _dump(target: Path, using: str) -> dict[str, int]:
    counts = {}
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=6) as out:
        for model in backed_up_models(using):
            meta = model._meta
            fields = list(meta.local_concrete_fields)
            header = {"table": meta.db_table, "model": meta.label, "columns": [f.attname for f in fields]}
            out.write(json.dumps(header) + "\n")
            rows = 0
            queryset = model._base_manager.using(using).order_by(meta.pk.attname)
            for obj in queryset.iterator(chunk_size=CHUNK):
                out.write(json.dumps([_value(f, obj) for f in fields], default=_encode, ensure_ascii=False) + "\n")
                rows += 1
            counts[meta.db_table] = rows
            out.write("null\n")  # the end of this table's rows
    return counts


def _sections(source: Path) -> Iterator[tuple[dict, Iterator[list]]]:
    """Each table of a dump: its header, and its rows (read lazily, in order)."""
    with gzip.open(source, "rt", encoding="utf-8") as lines:

        def rows() -> Iterator[list]:
            for line in lines:
                row = json.loads(line)
                if row is None:
                    return
                yield row

        for line in lines:
            yield json.loads(line), rows()


def _parse(field: models.Field, value):
    return None if value is None else field.to_python(value)


class RowsDiffer(Exception):
    """The rows loaded are not those the backup counted (the load was rolled back)."""


def load_database(source: Path, *, expected: dict[str, int], using: str = "default") -> dict[str, int]:
    """Replace every backed-up table's rows (those `migrate` wrote too) by the dump's, in one transaction.

    Django declares foreign keys deferrable, so rows load in any order and are checked at the end; then
    PostgreSQL's sequences are moved past the loaded keys. Rolls back (RowsDiffer) unless the rows loaded
    per table are `expected`; returns them.
    """
    connection = connections[using]
    known = {m._meta.db_table: m for m in backed_up_models(using)}
    counts = {}
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            # The search index and the indicator summaries go too (they point at content types and centres;
            # restore rebuilds them afterwards): PostgreSQL refuses to empty a table another one still points at.
            emptied = {"wagtailsearch_indexentry", *summary_tables()}
            derived = [t for t in connection.introspection.table_names(cursor) if t in emptied]
            for sql in connection.ops.sql_flush(no_style(), [*known, *derived], allow_cascade=False):
                cursor.execute(sql)
            for header, rows in _sections(source):
                model = known[header["table"]]
                fields = [model._meta.get_field(_field_name(model, column)) for column in header["columns"]]
                counts[header["table"]] = _insert(cursor, connection, model, fields, rows)
        connection.check_constraints(table_names=list(known))
        if counts != expected:
            raise RowsDiffer(sorted(set(counts.items()) ^ set(expected.items()))[:3])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(known.values())):
            cursor.execute(sql)
    return counts


def _field_name(model: type[models.Model], attname: str) -> str:
    for field in model._meta.local_concrete_fields:
        if field.attname == attname:
            return field.name
    raise LookupError(f"{model._meta.label} has no column {attname}")


def _insert(cursor, connection, model, fields, rows) -> int:
    quote = connection.ops.quote_name
    # Table and column names come from the models, quoted; the values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # nosec B608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    batch, total = [], 0
    for row in rows:
        batch.append([f.get_db_prep_save(_parse(f, v), connection) for f, v in zip(fields, row, strict=True)])
        if len(batch) >= CHUNK:
            cursor.executemany(sql, batch)
            total, batch = total + len(batch), []
    if batch:
        cursor.executemany(sql, batch)
        total += len(batch)
    return total


def table_row_counts(using: str = "default") -> dict[str, int]:
    """Rows in every table of the database (what a restore drill compares), derived tables excepted."""
    connection = connections[using]
    quote = connection.ops.quote_name
    counts, derived = {}, derived_tables()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            # SQLite keeps an FTS5 index in shadow tables named after it (wagtailsearch_indexentry_fts_data, ...).
            if table in derived or table.startswith("wagtailsearch_indexentry_fts_"):
                continue
            # A table name read from the database itself, quoted.
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # nosec B608
            counts[table] = cursor.fetchone()[0]
    return counts
