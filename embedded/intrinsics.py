"""Resolve CloudFormation intrinsic functions against deployed values.

samtranslator only resolves parameters inside SAM resources, and the full
resolver in aws-sam-cli pins its own boto3 and Flask. The subset a template
needs here (Ref, GetAtt, Sub, Join, Split, Select, If and conditions) is small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NO_VALUE = object()
_SUB_VAR = re.compile(r"\$\{([^!}][^}]*)\}")


class TemplateError(ValueError):
    pass


@dataclass
class Scope:
    parameters: dict[str, Any]
    pseudo: dict[str, str]
    conditions: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, dict[str, str]] = field(default_factory=dict)

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        for source in (self.parameters, self.pseudo, self.refs):
            if name in source:
                return source[name]
        raise TemplateError(f"Ref to unknown name {name!r}")

    def get_att(self, resource: str, attr: str) -> str:
        try:
            return self.attrs[resource][attr]
        except KeyError:
            raise TemplateError(f"GetAtt {resource}.{attr} is not available") from None

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise TemplateError(f"unknown condition {name!r}")
        return bool(resolve(self.conditions[name], self))


def resolve(value: Any, scope: Scope) -> Any:
    if isinstance(value, list):
        items = (resolve(v, scope) for v in value)
        return [v for v in items if v is not NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), = value.items()
        fn = _FUNCTIONS.get(key)
        if fn is not None:
            return fn(arg, scope)
        if key.startswith("Fn::"):  # never passed on as if it were a value
            raise TemplateError(f"{key} is not supported by the embedded deploy (it supports "
                                f"{', '.join(sorted(_FUNCTIONS))})")
    resolved = {k: resolve(v, scope) for k, v in value.items()}
    return {k: v for k, v in resolved.items() if v is not NO_VALUE}


def _ref(arg: str, scope: Scope) -> Any:
    return scope.ref(arg)


def _get_att(arg: Any, scope: Scope) -> str:
    resource, attr = arg.split(".", 1) if isinstance(arg, str) else arg
    return scope.get_att(resource, resolve(attr, scope))


def _sub(arg: Any, scope: Scope) -> str:
    text, variables = (arg, {}) if isinstance(arg, str) else arg
    local = {k: resolve(v, scope) for k, v in variables.items()}

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in local:
            return str(local[name])
        if "." in name and name.split(".", 1)[0] in scope.attrs:
            return scope.get_att(*name.split(".", 1))
        return str(scope.ref(name))

    return _SUB_VAR.sub(lookup, text).replace("${!", "${")


def _join(arg: list[Any], scope: Scope) -> str:
    sep, items = arg
    return sep.join(str(v) for v in resolve(items, scope))


def _split(arg: list[Any], scope: Scope) -> list[str]:
    sep, text = arg
    return str(resolve(text, scope)).split(sep)


def _select(arg: list[Any], scope: Scope) -> Any:
    index, items = arg
    return resolve(items, scope)[int(resolve(index, scope))]


def _if(arg: list[Any], scope: Scope) -> Any:
    name, when_true, when_false = arg
    return resolve(when_true if scope.condition(name) else when_false, scope)


def _equals(arg: list[Any], scope: Scope) -> bool:
    left, right = (resolve(v, scope) for v in arg)
    return str(left) == str(right)


_FUNCTIONS = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Split": _split,
    "Fn::Select": _select,
    "Fn::If": _if,
    "Fn::Equals": _equals,
    "Fn::Not": lambda arg, scope: not resolve(arg[0], scope),
    "Fn::And": lambda arg, scope: all(resolve(v, scope) for v in arg),
    "Fn::Or": lambda arg, scope: any(resolve(v, scope) for v in arg),
    "Condition": lambda arg, scope: scope.condition(arg),
}


def dependencies(value: Any) -> set[str]:
    """Logical names a template fragment refers to."""
    found: set[str] = set()
    if isinstance(value, list):
        for v in value:
            found |= dependencies(v)
    elif isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif key == "Fn::GetAtt":
                found.add(arg.split(".", 1)[0] if isinstance(arg, str) else arg[0])
            elif key == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]
                found |= {m.split(".", 1)[0] for m in _SUB_VAR.findall(text)}
                found |= dependencies(arg[1:] if isinstance(arg, list) else [])
            else:
                found |= dependencies(arg)
    return found
