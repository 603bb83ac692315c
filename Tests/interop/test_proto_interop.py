"""The protobuf fixtures of ChatbotProtoTests against Python protobuf.

ChatbotProtoTests checks Swift against the committed fixtures; this checks that the fixtures are
what scripts/make-proto-fixtures.py makes today from proto/, and that each one says, in its text
format, the value Python decodes from its bytes.
"""

import importlib.util
import json
import pathlib

import pytest
from google.protobuf import message_factory, text_format

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "ChatbotProtoTests" / "Fixtures"


def load_maker():
    spec = importlib.util.spec_from_file_location("make_proto_fixtures", ROOT / "scripts" / "make-proto-fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = load_maker()
DESCRIPTORS = MAKER.descriptor_set()
CLASSES = message_factory.GetMessages(DESCRIPTORS.file)
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())


def test_committed_fixtures_are_up_to_date():
    expected = MAKER.build(DESCRIPTORS)
    committed = {path.name: path.read_bytes() for path in FIXTURES.iterdir() if path.suffix in (".bin", ".json")}
    assert sorted(committed) == sorted(expected), "run scripts/make-proto-fixtures.py"
    stale = [name for name in expected if committed[name] != expected[name]]
    assert stale == [], "run scripts/make-proto-fixtures.py"


@pytest.mark.parametrize("case", MANIFEST, ids=[case["name"] for case in MANIFEST])
def test_fixture_decodes_to_its_text(case):
    data = (FIXTURES / f"{case['name']}.bin").read_bytes()
    message_class = CLASSES[case["type"]]
    decoded = message_class.FromString(data)
    assert decoded == text_format.Parse(case["text"], message_class())
    assert len(data) == case["size"]
    if case["canonical"]:
        assert decoded.SerializeToString(deterministic=True) == data
