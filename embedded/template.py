"""Load the SAM template, expand it with aws-sam-translator, order its resources."""

from __future__ import annotations

import copy
import re
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

from .intrinsics import Scope, TemplateError, dependencies, resolve


def load(path: Path) -> dict[str, Any]:
    return yaml_parse(path.read_text())


def parameter_values(template: dict[str, Any], overrides: dict[str, str]) -> dict[str, Any]:
    """Parameter values with defaults applied, typed as CloudFormation passes them."""
    values: dict[str, Any] = {}
    for name, spec in template.get("Parameters", {}).items():
        raw = overrides.get(name, spec.get("Default"))
        if raw is None:
            raise TemplateError(f"parameter {name} has no value and no default")
        raw = str(raw)
        if spec["Type"] == "CommaDelimitedList":
            values[name] = [v.strip() for v in raw.split(",")]
        elif spec["Type"] == "Number":
            values[name] = int(raw) if raw.lstrip("-").isdigit() else float(raw)
        else:
            values[name] = raw
        _check(name, raw, values[name], spec)
    unknown = set(overrides) - set(values)
    if unknown:
        raise TemplateError(f"unknown parameters: {', '.join(sorted(unknown))}")
    _check_rules(template.get("Rules", {}), values)
    return values


def _check(name: str, raw: str, value: Any, spec: dict[str, Any]) -> None:
    """The constraints CloudFormation checks before it creates anything."""
    if "AllowedValues" in spec and raw not in [str(v) for v in spec["AllowedValues"]]:
        raise TemplateError(f"parameter {name}={raw} is not one of {spec['AllowedValues']}")
    if "AllowedPattern" in spec and spec["Type"] == "String" and not re.fullmatch(spec["AllowedPattern"], raw):
        raise TemplateError(f"parameter {name}={raw!r} does not match {spec['AllowedPattern']}")
    if spec["Type"] == "Number" and not spec.get("MinValue", value) <= value <= spec.get("MaxValue", value):
        raise TemplateError(f"parameter {name}={raw} is outside {spec.get('MinValue')}..{spec.get('MaxValue')}")


def _check_rules(rules: dict[str, Any], values: dict[str, Any]) -> None:
    """A template's Rules: when a rule's condition holds, each of its assertions must."""
    scope = Scope(parameters=values, pseudo={})
    for name, rule in rules.items():
        if "RuleCondition" in rule and not resolve(rule["RuleCondition"], scope):
            continue
        for assertion in rule.get("Assertions", []):
            if not resolve(assertion["Assert"], scope):
                raise TemplateError(f"rule {name}: {assertion.get('AssertDescription', 'an assertion failed')}")


def expand(template: dict[str, Any], parameters: dict[str, Any], region: str) -> dict[str, Any]:
    """The plain CloudFormation template that the SAM transform produces."""
    if "Transform" not in template:
        return copy.deepcopy(template)
    session = boto3.session.Session(region_name=region)
    translator = Translator({}, Parser(), boto_session=session)
    return translator.translate(copy.deepcopy(template), parameter_values=parameters)


def creation_order(resources: dict[str, Any]) -> list[str]:
    graph = {}
    for name, resource in resources.items():
        needs = dependencies(resource.get("Properties", {}))
        depends_on = resource.get("DependsOn", [])
        needs |= {depends_on} if isinstance(depends_on, str) else set(depends_on)
        graph[name] = {n for n in needs if n in resources}
    return list(TopologicalSorter(graph).static_order())
