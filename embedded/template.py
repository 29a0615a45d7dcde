"""Load the SAM template, expand it with aws-sam-translator, order its resources."""

from __future__ import annotations

import copy
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

from .intrinsics import TemplateError, dependencies


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
        if "AllowedValues" in spec and raw not in [str(v) for v in spec["AllowedValues"]]:
            raise TemplateError(f"parameter {name}={raw} is not one of {spec['AllowedValues']}")
    unknown = set(overrides) - set(values)
    if unknown:
        raise TemplateError(f"unknown parameters: {', '.join(sorted(unknown))}")
    return values


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
