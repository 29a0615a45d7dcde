import pytest

from embedded.intrinsics import NO_VALUE, Scope, TemplateError, dependencies, resolve


@pytest.fixture
def scope():
    return Scope(
        parameters={"Env": "dev", "Origins": ["a", "b"]},
        pseudo={"AWS::Region": "us-east-1", "AWS::StackName": "st"},
        conditions={"IsDev": {"Fn::Equals": [{"Ref": "Env"}, "dev"]}},
        refs={"Table": "st-events"},
        attrs={"Fn": {"Arn": "arn:aws:lambda:us-east-1:1:function:f"}},
    )


@pytest.mark.parametrize(
    "fragment, expected",
    [
        ({"Ref": "Env"}, "dev"),
        ({"Ref": "Table"}, "st-events"),
        ({"Ref": "AWS::Region"}, "us-east-1"),
        ({"Fn::GetAtt": ["Fn", "Arn"]}, "arn:aws:lambda:us-east-1:1:function:f"),
        ({"Fn::GetAtt": "Fn.Arn"}, "arn:aws:lambda:us-east-1:1:function:f"),
        ({"Fn::Sub": "${AWS::StackName}-x-${Table}"}, "st-x-st-events"),
        ({"Fn::Sub": "${Fn.Arn}/invocations"}, "arn:aws:lambda:us-east-1:1:function:f/invocations"),
        ({"Fn::Sub": ["${A}-${Env}", {"A": {"Ref": "Table"}}]}, "st-events-dev"),
        ({"Fn::Sub": "${!Literal}"}, "${Literal}"),
        ({"Fn::Join": [",", {"Ref": "Origins"}]}, "a,b"),
        ({"Fn::Split": [",", "a,b"]}, ["a", "b"]),
        ({"Fn::Select": [1, {"Ref": "Origins"}]}, "b"),
        ({"Fn::If": ["IsDev", "yes", "no"]}, "yes"),
        ({"Fn::Not": [{"Condition": "IsDev"}]}, False),
        ({"k": {"Ref": "AWS::NoValue"}, "j": 1}, {"j": 1}),
        ([{"Ref": "AWS::NoValue"}, 2], [2]),
    ],
)
def test_resolve(scope, fragment, expected):
    assert resolve(fragment, scope) == expected


def test_unknown_names_are_errors(scope):
    with pytest.raises(TemplateError, match="Missing"):
        resolve({"Ref": "Missing"}, scope)
    with pytest.raises(TemplateError, match="Fn.Nope"):
        resolve({"Fn::GetAtt": ["Fn", "Nope"]}, scope)


def test_no_value_is_a_sentinel(scope):
    assert resolve({"Ref": "AWS::NoValue"}, scope) is NO_VALUE


def test_dependencies_finds_every_reference():
    fragment = {"A": {"Ref": "Table"}, "B": {"Fn::GetAtt": ["Fn", "Arn"]},
                "C": {"Fn::Sub": ["${Role.Arn}-${X}", {"X": {"Ref": "Other"}}]}}

    assert dependencies(fragment) == {"Table", "Fn", "Role", "X", "Other"}
