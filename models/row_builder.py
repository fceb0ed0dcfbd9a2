"""Model rows built the way peewee builds them, without the per-field detours.

Peewee makes each row's models through `Model(...)` and `setattr`, so every column goes
through the field's descriptor and is marked dirty, then unmarked. On a 30-row list of
referrals with their person and team that is most of the page's query time (about 100,000
machine instructions a row). A prepared query (models/prepared.py) runs one shape many
times, so it can work out once, from peewee's own set-up for that shape, which columns
are plain fields, and then write those straight into each model's data.

Only the two wrappers a model select uses are handled: one model, or models joined. For
those the result is the same as peewee's (tests/test_prepared_queries.py compares the
two, and while the tests run every such row is checked against peewee's: tests/row_check.py);
anything else keeps peewee's builder. Columns that are not plain fields (an alias, a
`person_id` attribute) still go through `setattr`, as in peewee.
"""
from __future__ import annotations

from inspect import getattr_static
from typing import Callable

from peewee import (CharField, Field, FieldAccessor, ForeignKeyAccessor, ForeignKeyField,
                    IntegerField, Model, ModelCursorWrapper, ModelObjectCursorWrapper)

# Descriptors whose __set__ on a new model only stores the value (and marks it dirty,
# which peewee undoes before handing the row over). A foreign key's descriptor also drops
# a cached related model, and a new model has none.
_STORE_ONLY = (FieldAccessor, ForeignKeyAccessor)


def _plain_model(cls) -> bool:
    """A model class made and filled the way peewee's Model does it."""
    return (isinstance(cls, type) and issubclass(cls, Model)
            and cls.__init__ is Model.__init__ and cls.__setattr__ is object.__setattr__)


def _stores_only(cls, name: str) -> bool:
    return name in cls._meta.fields and type(getattr_static(cls, name, None)) in _STORE_ONLY


def _as_is_type(field, converter):
    """The type of value this column's converter gives back unchanged (an int for an
    integer field, a str for a text field), so a value already of that type can skip it;
    None where every value must go through the converter."""
    if field is None or converter is None or converter != field.python_value:
        return None
    if isinstance(field, ForeignKeyField):
        field = field.rel_field
    kind = type(field)
    if kind.python_value is not Field.python_value:
        return None
    if kind.adapt is IntegerField.adapt:
        return int
    if kind.adapt is CharField.adapt:
        return str
    return None


def _new(cls):
    """What `cls(__no_default__=True)` makes, without its argument handling."""
    obj = cls.__new__(cls)
    obj.__data__ = {}
    obj._dirty = set()
    obj.__rel__ = {}
    return obj


def row_builder(wrapper) -> Callable | None:
    """A function making one row as `wrapper.process_row` would, for a wrapper peewee has
    set up (after its first row); None when this is not a kind handled here."""
    if type(wrapper) is ModelObjectCursorWrapper and wrapper.is_model \
            and _plain_model(wrapper.constructor):
        return _one_model(wrapper)
    if type(wrapper) is ModelCursorWrapper:
        return _joined_models(wrapper)
    return None


def _one_model(wrapper) -> Callable:
    cls = wrapper.constructor
    store, assign = [], []   # (index, name, converter, type needing no converting)
    for i, name in enumerate(wrapper.unique_columns):
        converter = wrapper.converters[i]
        column = (i, name, converter, _as_is_type(wrapper.fields[i], converter))
        (store if _stores_only(cls, name) else assign).append(column)

    def build(row):
        obj = _new(cls)
        data = obj.__data__
        for i, name, converter, as_is in store:
            value = row[i]
            data[name] = value if converter is None or type(value) is as_is \
                else converter(value)
        if assign:
            for i, name, converter, as_is in assign:
                value = row[i]
                setattr(obj, name, value if converter is None or type(value) is as_is
                        else converter(value))
            obj._dirty.clear()
        return obj

    return build


def _joined_models(wrapper) -> Callable | None:
    """peewee's ModelCursorWrapper.process_row, with each column's destination decided
    once instead of per row."""
    makers = wrapper._constructor_list          # (key, constructor, is model?)
    if any(is_model and not _plain_model(ctor) for _, ctor, is_model in makers):
        return None
    root = wrapper.model
    kinds = {key: (ctor, is_model) for key, ctor, is_model in makers}
    # Each column: (index, the key it marks as set, the object it goes to, its name,
    # converter, type needing no converting, how: 0 into model data, 1 by setattr, 2 into
    # a dict).
    columns = []
    for idx, key, column, converter in wrapper._row_spec:
        as_is = _as_is_type(wrapper.fields[idx], converter)
        target = key if key in kinds else root
        ctor, is_model = kinds[target]
        if is_model:
            how = 0 if _stores_only(ctor, column) else 1
        else:
            how = 2 if isinstance(ctor, type) and issubclass(ctor, dict) else 1
        columns.append((idx, key, target, column, converter, as_is, how))
    joins = wrapper.src_to_dest
    reachable = wrapper._dest_reachable

    def build(row):
        objects = {}
        models = []
        for key, ctor, is_model in makers:
            if is_model:
                obj = objects[key] = _new(ctor)
                models.append(obj)
            else:
                objects[key] = ctor()
        set_keys = set()
        for idx, key, target, column, converter, as_is, how in columns:
            value = row[idx]
            if value is not None:
                set_keys.add(key)
            if converter is not None and type(value) is not as_is:
                value = converter(value)
            if how == 0:
                objects[target].__data__[column] = value
            elif how == 1:
                setattr(objects[target], column, value)
            else:
                objects[target][column] = value
        for src, attr, dest, is_dict, is_outer, is_fk in joins:
            instance = objects.get(src)
            joined = objects.get(dest)
            if joined is None and dest not in objects:
                continue
            assign = False
            if dest not in set_keys and dest in reachable:
                assign = bool(reachable[dest] & set_keys)
            if dest not in set_keys and not assign:
                if is_outer:
                    joined = None
                else:
                    continue
            if src not in set_keys and dest not in set_keys and is_outer:
                continue
            if is_dict:
                instance[attr] = joined
            elif is_fk and joined is None:
                instance.__rel__[attr] = None
            else:
                setattr(instance, attr, joined)
        for obj in models:
            obj._dirty.clear()
        return objects[root]

    return build
